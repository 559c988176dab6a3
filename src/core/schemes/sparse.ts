/**
 * sparse_(sparsity, std=0.01) (torch.nn.init 1.13): 2-D only; num_zeros = int(ceil(sparsity·rows));
 * normal_(0, std) on the whole tensor; then for each column a torch.randperm(rows) (rows−1
 * words: z = word % (rows−i), swap) and zeros at p[:num_zeros] (Python slice). The zero pattern
 * is exact; the values have normal_'s parity.
 */
import { TorchError, Aborted } from '../errors.js';
import type { InitContext } from './context.js';
import { normalFillCtx } from './random.js';

/** torch.randperm(n) on CPU for n < 2^32/20 (§3.5). */
export function randperm(gen: InitContext['gen'], n: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = gen.nextU32() % (n - i);
    const t = r[i];
    r[i] = r[i + z];
    r[i + z] = t;
  }
  return r;
}

export function sparse(ctx: InitContext): void {
  const { shape, gen } = ctx;
  if (shape.length !== 2) throw new TorchError('ValueError', 'Only tensors with 2 dimensions are supported');
  const [rows, cols] = shape;
  const prod = (ctx.params.sparsity as number) * rows;
  if (Number.isNaN(prod)) throw new TorchError('ValueError', 'cannot convert float NaN to integer');
  if (!Number.isFinite(prod)) throw new TorchError('OverflowError', 'cannot convert float infinity to integer');
  const numZeros = Math.ceil(prod);
  normalFillCtx(ctx, 0, ctx.params.std as number);
  // Python slice p[:numZeros]
  const end = numZeros >= 0 ? Math.min(numZeros, rows) : Math.max(rows + numZeros, 0);
  for (let c = 0; c < cols; c++) {
    if ((c & 1023) === 1023 && ctx.shouldAbort?.()) throw new Aborted();
    if (ctx.advanceOnly) {
      gen.skip(Math.max(rows - 1, 0));
      continue;
    }
    const p = randperm(gen, rows);
    for (let k = 0; k < end; k++) zeroAt(ctx, p[k] * cols + c);
  }
}

function zeroAt(ctx: InitContext, i: number): void {
  (ctx.out as Float32Array | Float64Array | Uint16Array)[i] = 0; // +0.0 is all-zero bits in every float dtype
}
