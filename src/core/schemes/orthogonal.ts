/**
 * orthogonal_(gain=1) (torch.nn.init 1.13): A = normal_(0, 1) on a rows×(numel/rows) tensor of
 * the dtype (same stream, same path choice as normal_); transpose when rows < cols; reduced QR;
 * Q[:, j] ·= sign(R[j, j]); transpose back; ·gain. PyTorch runs LAPACK in the dtype; we run a
 * blocked Householder QR in binary64 (../linalg/householder.ts) and round, so the result is
 * within abs 2e-5·max(1,|gain|) (float32) or 1e-13·max(1,|gain|) (float64) of PyTorch's.
 * float16/bfloat16 are PyTorch's geqrf error, raised after the normal_ draws.
 */
import { allocate, fround } from '../dtype.js';
import { TorchError } from '../errors.js';
import { householderQRWith } from '../linalg/householder.js';
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
  const gain = ctx.params.gain as number;
  const g = dtype === 'float32' ? fround(gain) : gain;
  const out = src;
  householderQRWith(m, k, (a, ld) => {
    // A = flat (tall) or flatᵀ (wide), column-major with leading dimension ld
    if (tall) transposeIn(src, rows, cols, a, ld);
    else for (let r = 0; r < rows; r++) a.set(src.subarray(r * cols, r * cols + cols), r * ld);
  }, (q, ld, rdiag) => {
    const sign = Float64Array.from(rdiag, (d) => (d > 0 ? 1 : d < 0 ? -1 : 0));
    const f32 = dtype === 'float32';
    if (tall) {
      transposeOut(q, ld, sign, rows, cols, out, g, f32);
    } else {
      // out[r, :] = Q[:, r]ᵀ·sign[r]·g; for float32 fround(fround(v)·g) as fround(v)·g stored
      // into the Float32Array (the binary64 product of two binary32 values is exact)
      for (let r = 0; r < rows; r++) {
        const s = sign[r], o = r * cols, i = r * ld;
        if (f32) for (let c = 0; c < cols; c++) out[o + c] = fround(q[i + c] * s) * g;
        else for (let c = 0; c < cols; c++) out[o + c] = q[i + c] * s * g;
      }
    }
  }, ctx.shouldAbort);
}

/** Tile edge of the cache-blocked transposes. */
const TILE = 32;

/** a[c·ld + r] = src[r·cols + c] for the rows×cols row-major src. */
function transposeIn(src: Float32Array | Float64Array, rows: number, cols: number, a: Float64Array, ld: number): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let c = c0; c < c1; c++) {
        const ac = c * ld;
        for (let r = r0; r < r1; r++) a[ac + r] = src[r * cols + c];
      }
    }
  }
}

/**
 * out[r·cols + c] = q[c·ld + r]·sign[c]·g for the rows×cols row-major out; for float32 (f32)
 * fround(q·sign)·g, rounded once more by the store (the product of two binary32 values is exact).
 */
function transposeOut(q: Float64Array, ld: number, sign: Float64Array, rows: number, cols: number, out: Float32Array | Float64Array, g: number, f32: boolean): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r++) {
        const o = r * cols;
        if (f32) for (let c = c0; c < c1; c++) out[o + c] = fround(q[c * ld + r] * sign[c]) * g;
        else for (let c = c0; c < c1; c++) out[o + c] = q[c * ld + r] * sign[c] * g;
      }
    }
  }
}
