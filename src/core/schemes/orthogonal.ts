/**
 * orthogonal_(gain=1) (torch.nn.init 1.13): A = normal_(0, 1) on a rows×(numel/rows) tensor of
 * the dtype (same stream, same path choice as normal_); transpose when rows < cols; reduced QR;
 * Q[:, j] ·= sign(R[j, j]); transpose back; ·gain. PyTorch runs LAPACK in the dtype; we run
 * Householder in binary64 and round, so the result is within abs 2e-5·max(1,|gain|) (float32)
 * or 1e-13·max(1,|gain|) (float64) of PyTorch's. float16/bfloat16 are PyTorch's geqrf error,
 * raised after the normal_ draws.
 */
import { allocate, fround } from '../dtype.js';
import { TorchError } from '../errors.js';
import { householderQR } from '../linalg/householder.js';
import { normalKernel, normalFillWords } from '../kernels/normal.js';
import type { InitContext } from './context.js';

export function orthogonal(ctx: InitContext): void {
  const { shape, dtype, n, gen } = ctx;
  if (shape.length < 2) throw new TorchError('ValueError', 'Only tensors with 2 or more dimensions are supported');
  if (n === 0) return;
  const rows = shape[0];
  const cols = n / rows;
  if (ctx.advanceOnly && n >= 16) {
    gen.skip(normalFillWords(dtype, n));
  } else {
    const flat = dtype === 'float32' || dtype === 'float64' ? ctx.out : allocate(dtype, n);
    normalKernel(gen, dtype, flat, n, 0, 1);
  }
  if (dtype === 'float16' || dtype === 'bfloat16') {
    throw new TorchError('RuntimeError', `"geqrf_cpu" not implemented for '${dtype === 'float16' ? 'Half' : 'BFloat16'}'`);
  }
  if (ctx.advanceOnly) return;
  const src = ctx.out as Float32Array | Float64Array;
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const k = tall ? cols : rows;
  const a = new Float64Array(m * k);
  if (tall) {
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) a[c * m + r] = src[r * cols + c];
  } else {
    a.set(src); // flatᵀ in column-major is flat in row-major
  }
  const { q, rdiag } = householderQR(a, m, k, ctx.shouldAbort);
  const gain = ctx.params.gain as number;
  const g = dtype === 'float32' ? fround(gain) : gain;
  const sign = Float64Array.from(rdiag, (d) => (d > 0 ? 1 : d < 0 ? -1 : 0));
  const out = ctx.out as Float32Array | Float64Array;
  const f32 = dtype === 'float32';
  if (tall) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = q[c * m + r] * sign[c];
        out[r * cols + c] = f32 ? fround(fround(v) * g) : v * g;
      }
    }
  } else {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = q[r * m + c] * sign[r];
        out[r * cols + c] = f32 ? fround(fround(v) * g) : v * g;
      }
    }
  }
}
