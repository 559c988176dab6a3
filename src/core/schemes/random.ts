/**
 * uniform_, normal_ and trunc_normal_ (torch.nn.init, 1.13).
 *
 * - uniform(a=0., b=1.): U[a, b) per §3.1 — exact.
 * - normal(mean=0., std=1.): §3.2 — exact except float64 (abs ≤ 2^-48·(|mean|+8·std)).
 * - trunc_normal(mean=0., std=1., a=-2., b=2.): l = Φ((a−mean)/std), u = Φ((b−mean)/std);
 *   uniform_(2l−1, 2u−1); erfinv_; ·std·√2; +mean; clamp(a, b), each op in the dtype with the
 *   scalar cast to it first. bfloat16 exact; float32 abs ≤ 1e-5·(|mean|+std); float64
 *   abs ≤ 1e-13·(|mean|+std); float16 is PyTorch's error after the uniform draws.
 */
import { castDouble, fround, rbf16, bf16BitsFromF32, bf16ToF32 } from '../dtype.js';
import { TorchError } from '../errors.js';
import { checkUniform, uniformKernel } from '../kernels/uniform.js';
import { checkNormal, normalKernel, normalFillWords, normalSerial, storeFn } from '../kernels/normal.js';
import { erfinv32, erfinv64 } from '../kernels/erfinv.js';
import { erf } from '../rng/erf.js';
import { type InitContext, num } from './context.js';

export function uniformFill(ctx: InitContext, a: number, b: number): void {
  checkUniform(ctx.dtype, a, b);
  if (ctx.n === 0) return;
  if (ctx.advanceOnly) return ctx.gen.skip(ctx.dtype === 'float64' ? 2 * ctx.n : ctx.n);
  uniformKernel(ctx.gen, ctx.dtype, ctx.out, ctx.n, a, b);
}

export function normalFillCtx(ctx: InitContext, mean: number, std: number): void {
  checkNormal(std);
  if (ctx.n === 0) return;
  if (!ctx.contiguous) return normalSerial(ctx.gen, ctx.dtype, ctx.n, mean, std, storeFn(ctx.dtype, ctx.out));
  if (ctx.advanceOnly && ctx.n >= 16) return ctx.gen.skip(normalFillWords(ctx.dtype, ctx.n));
  if (ctx.deferNormal && ctx.dtype === 'float32' && ctx.n >= 16 && ctx.deferNormal(ctx.gen, ctx.out as Float32Array, ctx.n, mean, std)) return;
  normalKernel(ctx.gen, ctx.dtype, ctx.out, ctx.n, mean, std);
}

export const uniform = (ctx: InitContext) => uniformFill(ctx, num(ctx.params, 'a'), num(ctx.params, 'b'));
export const normal = (ctx: InitContext) => normalFillCtx(ctx, num(ctx.params, 'mean'), num(ctx.params, 'std'));

const normCdf = (x: number) => (1 + erf(x / Math.sqrt(2))) / 2;

export function truncNormal(ctx: InitContext): void {
  const mean = num(ctx.params, 'mean'), std = num(ctx.params, 'std');
  const a = num(ctx.params, 'a'), b = num(ctx.params, 'b');
  if (std === 0) throw new TorchError('ZeroDivisionError', 'float division by zero');
  const l = normCdf((a - mean) / std);
  const u = normCdf((b - mean) / std);
  uniformFill(ctx, 2 * l - 1, 2 * u - 1);
  const { dtype, n } = ctx;
  if (dtype === 'float16') throw new TorchError('RuntimeError', `"erfinv_vml_cpu" not implemented for 'Half'`);
  if (ctx.advanceOnly || n === 0) return;
  const s = std * Math.sqrt(2);
  if (dtype === 'float64') {
    const o = ctx.out as Float64Array;
    for (let i = 0; i < n; i++) {
      const t = erfinv64(o[i]) * s + mean;
      o[i] = Math.min(Math.max(t, a), b);
    }
    return;
  }
  const sv = castDouble(dtype, s), mv = castDouble(dtype, mean);
  const lo = castDouble(dtype, a), hi = castDouble(dtype, b);
  if (dtype === 'float32') {
    const o = ctx.out as Float32Array;
    for (let i = 0; i < n; i++) {
      const t = fround(fround(erfinv32(o[i]) * sv) + mv);
      o[i] = Math.min(Math.max(t, lo), hi);
    }
    return;
  }
  const o = ctx.out as Uint16Array; // bfloat16
  for (let i = 0; i < n; i++) {
    let t = rbf16(erfinv32(bf16ToF32(o[i])));
    t = rbf16(rbf16(t * sv) + mv);
    o[i] = bf16BitsFromF32(Math.min(Math.max(t, lo), hi));
  }
}
