/**
 * The float32 normal_fill block (torch's AVX2 kernel), fused for speed.
 *
 * log256/sincos256 are written with plain `fround(a*b + c)` instead of the emulated fma32 of
 * rng/cephes.ts: on this kernel's input domain (u1 = 1 − k·2^-24, θ = f32(f32(2π)·k·2^-24),
 * k < 2^24) every such a·b + c is exact in binary64, so one rounding to binary32 IS the fused
 * result. tools/verify-cephes-fast.mjs checks all 2^24 inputs of each function against the
 * fma32 reference (0 differences), and test/core/cephes.test.ts samples them. The final
 * `fma32(radius·cos, std, mean)` depends on the request, so it stays emulated.
 */
import { fma32 } from '../rng/fma.js';
import { SQRTHF, P0, P1, P2, P3, P4, P5, P6, P7, P8, Q1, Q2, DP1, DP2, DP3, FOPI, S0, S1, S2, C0, C1, C2 } from '../rng/cephes.js';

const fr = Math.fround;
const TWO_PI_F = fr(2 * Math.PI);

const fbuf = new Float32Array(1);
const ibuf = new Int32Array(fbuf.buffer);

/** log256_ps on its normal_ domain (see the module note). */
export function log256Fast(x: number): number {
  fbuf[0] = x;
  const b = ibuf[0];
  let e = fr(((b >>> 23) - 127) + 1);
  ibuf[0] = (b & 0x007fffff) | 0x3f000000;
  const m = fbuf[0];
  let y0: number;
  if (m < SQRTHF) {
    e = e - 1;
    y0 = fr(m - 1 + m);
  } else {
    y0 = m - 1;
  }
  const z = fr(y0 * y0);
  let y = fr(P0 * y0 + P1);
  y = fr(y * y0 + P2); y = fr(y * y0 + P3); y = fr(y * y0 + P4); y = fr(y * y0 + P5);
  y = fr(y * y0 + P6); y = fr(y * y0 + P7); y = fr(y * y0 + P8);
  y = fr(y * y0);
  y = fr(y * z + fr(e * Q1));
  y = fr(z * -0.5 + y);
  return fr(e * Q2 + fr(y0 + y));
}

let SIN = 0;
let COS = 0;

/** sincos256_ps on its normal_ domain (θ ≥ 0); results in SIN/COS (read via sinOut/cosOut). */
export function sincos256Fast(x: number): void {
  let j = Math.trunc(fr(x * FOPI)) | 0;
  j = (j + 1) & ~1;
  let r = fr(j * DP1 + x);
  r = fr(j * DP2 + r);
  r = fr(j * DP3 + r);
  const z = fr(r * r);
  let c = fr(C0 * z + C1);
  c = fr(c * z + C2);
  c = fr(c * z);
  c = fr(fr(c * z - fr(z * 0.5)) + 1);
  let s = fr(S0 * z + S1);
  s = fr(s * z + S2);
  s = fr(s * z);
  s = fr(s * r + r);
  if ((j & 2) === 0) { SIN = s; COS = c; } else { SIN = c; COS = s; }
  if ((j & 4) !== 0) SIN = -SIN;
  if (((~(j - 2)) & 4) !== 0) COS = -COS;
}
export const sinOut = () => SIN;
export const cosOut = () => COS;

/** Transform o[i..i+16) in place: uniforms in, normals out. */
export function block32(o: Float32Array, i: number, M: number, S: number): void {
  for (let j = i; j < i + 8; j++) {
    const radius = fr(Math.sqrt(-2 * log256Fast(1 - o[j])));
    sincos256Fast(fr(TWO_PI_F * o[j + 8]));
    if (Object.is(M, 0)) {
      // fma32(p, S, +0) = f32(p·S + 0): p·S is exact in binary64; + 0 turns an exact −0 into +0
      // as IEEE does. The + 0 must come before the rounding: a nonzero p·S that rounds to a
      // binary32 −0 (|p·S| < 2^-150, a tiny std) stays −0, as the fused AVX2 result does.
      o[j] = fr(fr(radius * COS) * S + 0);
      o[j + 8] = fr(fr(radius * SIN) * S + 0);
    } else {
      o[j] = fma32(fr(radius * COS), S, M);
      o[j + 8] = fma32(fr(radius * SIN), S, M);
    }
  }
}

/** f32(θ) for the uniform u2 (exported for the exhaustive check). */
export const theta32 = (u2: number) => fr(TWO_PI_F * u2);
