/**
 * ATen calc_erfinv (torch-parity §3.4), the core of trunc_normal_. Polynomials fully
 * FMA-contracted; two Newton steps with each op rounded to T. T = binary32 calls our ports
 * of glibc 2.36 logf/expf/erff (rng/glibc-float.ts, checked exhaustively against glibc by
 * tools/glibc-check): bit-exact. T = binary64 uses V8's Math.log/exp and an fdlibm erf:
 * tolerance, §6.
 */
import { fma32, fma64 } from '../rng/fma.js';
import { erf } from '../rng/erf.js';
import { erff, expf, logf } from '../rng/glibc-float.js';

const fr = Math.fround;
const A = [0.886226899, -1.645349621, 0.914624893, -0.140543331];
const B = [-2.118377725, 1.442710462, -0.329097515, 0.012229801];
const C = [-1.970840454, -1.624906493, 3.429567803, 1.641345311];
const D = [3.5438892, 1.6370678];
const [A0, A1, A2, A3] = A.map(fr);
const [B0, B1, B2, B3] = B.map(fr);
const [C0, C1, C2, C3] = C.map(fr);
const [D0, D1] = D.map(fr);
const K32 = fr(2 / fr(Math.sqrt(Math.PI)));
const CUT32 = fr(0.7);

/** calc_erfinv<float> on a binary32 value. */
export function erfinv32(y: number): number {
  const ya = Math.abs(y);
  if (ya > 1) return NaN;
  if (ya === 1) return y > 0 ? Infinity : -Infinity;
  let x: number;
  if (ya <= CUT32) {
    const z = fr(y * y);
    const num = fma32(fma32(fma32(A3, z, A2), z, A1), z, A0);
    const dem = fma32(fma32(fma32(fma32(B3, z, B2), z, B1), z, B0), z, 1);
    x = fr(fr(y * num) / dem);
  } else {
    const t = fr(fr(1 - ya) / 2);
    const z = fr(Math.sqrt(-logf(t))); // sqrtf: correctly rounded
    const num = fma32(fma32(fma32(C3, z, C2), z, C1), z, C0);
    const dem = fma32(fma32(D1, z, D0), z, 1);
    x = fr((y < 0 ? -num : num) / dem);
  }
  for (let k = 0; k < 2; k++) {
    const e = fr(erff(x) - y);
    const d = fr(K32 * expf(fr(-x * x)));
    x = fr(x - fr(e / d));
  }
  return x;
}

const K64 = 2 / Math.sqrt(Math.PI);

/** calc_erfinv<double>. */
export function erfinv64(y: number): number {
  const ya = Math.abs(y);
  if (ya > 1) return NaN;
  if (ya === 1) return y > 0 ? Infinity : -Infinity;
  let x: number;
  if (ya <= 0.7) {
    const z = y * y;
    const num = fma64(fma64(fma64(A[3], z, A[2]), z, A[1]), z, A[0]);
    const dem = fma64(fma64(fma64(fma64(B[3], z, B[2]), z, B[1]), z, B[0]), z, 1);
    x = (y * num) / dem;
  } else {
    const z = Math.sqrt(-Math.log((1 - ya) / 2));
    const num = fma64(fma64(fma64(C[3], z, C[2]), z, C[1]), z, C[0]);
    const dem = fma64(fma64(D[1], z, D[0]), z, 1);
    x = (y < 0 ? -num : num) / dem;
  }
  for (let k = 0; k < 2; k++) x = x - (erf(x) - y) / (K64 * Math.exp(-x * x));
  return x;
}
