/**
 * Deterministic schemes (no generator use): constant(val), ones, zeros (any shape), eye
 * (2-D; bfloat16 is PyTorch's error), dirac(groups=1) (3/4/5-D, one 1 at the kernel centre of
 * [g·opg+d, d]). Exact for every dtype: the value is cast double → float → 16-bit (§3.6).
 */
import { type FloatDtype, type TensorData, FMAX, castDouble, storeBits } from '../dtype.js';
import { TorchError } from '../errors.js';
import type { InitContext } from './context.js';

const OVERFLOW_NAME: Record<FloatDtype, string> = { float32: 'float', float64: 'double', float16: 'at::Half', bfloat16: 'at::BFloat16' };

/** fill_(v) including its overflow check. */
export function fillValue(dtype: FloatDtype, out: TensorData, n: number, v: number): void {
  if (Number.isFinite(v) && Math.abs(v) > FMAX[dtype]) {
    throw new TorchError('RuntimeError', `value cannot be converted to type ${OVERFLOW_NAME[dtype]} without overflow`);
  }
  const c = castDouble(dtype, v);
  if (dtype === 'float16' || dtype === 'bfloat16') (out as Uint16Array).fill(storeBits(dtype, c), 0, n);
  else (out as Float32Array | Float64Array).fill(c, 0, n);
}

export const constant = (ctx: InitContext) => fillValue(ctx.dtype, ctx.out, ctx.n, ctx.params.val as number);
export const ones = (ctx: InitContext) => fillValue(ctx.dtype, ctx.out, ctx.n, 1);
export const zeros = (ctx: InitContext) => fillValue(ctx.dtype, ctx.out, ctx.n, 0);

function setOne(ctx: InitContext, i: number): void {
  if (ctx.dtype === 'float16' || ctx.dtype === 'bfloat16') (ctx.out as Uint16Array)[i] = storeBits(ctx.dtype, 1);
  else (ctx.out as Float32Array | Float64Array)[i] = 1;
}

export function eye(ctx: InitContext): void {
  if (ctx.shape.length !== 2) throw new TorchError('ValueError', 'Only tensors with 2 dimensions are supported');
  if (ctx.dtype === 'bfloat16') throw new TorchError('RuntimeError', `"eye" not implemented for 'BFloat16'`);
  fillValue(ctx.dtype, ctx.out, ctx.n, 0);
  const [r, c] = ctx.shape;
  for (let i = 0; i < Math.min(r, c); i++) setOne(ctx, i * c + i);
}

/** Python's a % b (sign of the divisor). */
const pyMod = (a: number, b: number) => ((a % b) + b) % b;

export function dirac(ctx: InitContext): void {
  const shape = ctx.shape;
  const d = shape.length;
  if (d !== 3 && d !== 4 && d !== 5) throw new TorchError('ValueError', 'Only tensors with 3, 4, or 5 dimensions are supported');
  const groups = ctx.params.groups as number;
  if (groups === 0) throw new TorchError('ZeroDivisionError', 'integer modulo by zero');
  if (pyMod(shape[0], groups) !== 0) throw new TorchError('ValueError', 'dim 0 must be divisible by groups');
  const opg = Math.floor(shape[0] / groups);
  const minDim = Math.min(opg, shape[1]);
  fillValue(ctx.dtype, ctx.out, ctx.n, 0);
  if (groups > 0 && minDim > 0) {
    // tensor[g·opg + d, d, k2//2, …] = 1 indexes 0 on an empty kernel dim: PyTorch's IndexError
    const empty = shape.findIndex((s, k) => k >= 2 && s === 0);
    if (empty >= 0) throw new TorchError('IndexError', `index 0 is out of bounds for dimension ${empty} with size 0`);
  }
  // C-order strides
  const strides = new Array<number>(d);
  let s = 1;
  for (let k = d - 1; k >= 0; k--) { strides[k] = s; s *= shape[k]; }
  let centre = 0;
  for (let k = 2; k < d; k++) centre += Math.floor(shape[k] / 2) * strides[k];
  for (let g = 0; g < groups; g++) {
    for (let k = 0; k < minDim; k++) setOne(ctx, (g * opg + k) * strides[0] + k * strides[1] + centre);
  }
}
