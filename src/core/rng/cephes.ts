/**
 * avx_mathfun's log256_ps and sincos256_ps (Cephes binary32), as GCC 12 compiled them for
 * torch 1.13's AVX2 normal_ kernel: every multiply feeding an add is fused, and where an add
 * had two products the later one is fused (★). torch-parity §3.3; bit-exact.
 */
import { fma32 } from './fma.js';

const fr = Math.fround;
export const SQRTHF = fr(0.707106781186547524);
export const P0 = fr(7.0376836292e-2), P1 = fr(-1.1514610310e-1), P2 = fr(1.1676998740e-1);
export const P3 = fr(-1.2420140846e-1), P4 = fr(1.4249322787e-1), P5 = fr(-1.6668057665e-1);
export const P6 = fr(2.0000714765e-1), P7 = fr(-2.4999993993e-1), P8 = fr(3.3333331174e-1);
export const Q1 = fr(-2.12194440e-4), Q2 = fr(0.693359375);

const buf = new Float32Array(1);
const bits = new Int32Array(buf.buffer);

/** log256_ps for binary32 x in [2^-24, 1]. */
export function log256(x: number): number {
  buf[0] = x;
  const b = bits[0];
  let e = fr(((b >>> 23) - 127) + 1);
  bits[0] = (b & 0x007fffff) | 0x3f000000;
  const m = buf[0];
  let y0: number;
  if (m < SQRTHF) {
    e = e - 1;
    y0 = fr((m - 1) + m);
  } else {
    y0 = m - 1;
  }
  const z = fr(y0 * y0);
  let y = P0;
  y = fma32(y, y0, P1); y = fma32(y, y0, P2); y = fma32(y, y0, P3); y = fma32(y, y0, P4);
  y = fma32(y, y0, P5); y = fma32(y, y0, P6); y = fma32(y, y0, P7); y = fma32(y, y0, P8);
  y = fr(y * y0);
  y = fma32(y, z, fr(e * Q1)); // ★
  y = fma32(z, -0.5, y);
  const r = fr(y0 + y);
  return fma32(e, Q2, r);
}

export const DP1 = fr(-0.78515625), DP2 = fr(-2.4187564849853515625e-4), DP3 = fr(-3.77489497744594108e-8);
export const FOPI = fr(1.27323954473516);
export const S0 = fr(-1.9515295891e-4), S1 = fr(8.3321608736e-3), S2 = fr(-1.6666654611e-1);
export const C0 = fr(2.443315711809948e-5), C1 = fr(-1.388731625493765e-3), C2 = fr(4.166664568298827e-2);

/** sincos256_ps; writes sin into out[0] and cos into out[1]. x ≥ 0 here (θ in [0, 2π)). */
export function sincos256(x: number, out: Float64Array): void {
  const a = Math.abs(x);
  let j = Math.trunc(fr(a * FOPI)) | 0;
  j = (j + 1) & ~1;
  const y = j; // exact in binary32 for the small j here
  let r = fma32(y, DP1, a);
  r = fma32(y, DP2, r);
  r = fma32(y, DP3, r);
  const z = fr(r * r);
  let c = fma32(C0, z, C1);
  c = fma32(c, z, C2);
  c = fr(c * z);
  c = fma32(c, z, -fr(z * 0.5)); // ★
  c = fr(c + 1);
  let s = fma32(S0, z, S1);
  s = fma32(s, z, S2);
  s = fr(s * z);
  s = fma32(s, r, r);
  let sinv: number, cosv: number;
  if ((j & 2) === 0) { sinv = s; cosv = c; } else { sinv = c; cosv = s; }
  if (((j & 4) !== 0) !== (x < 0 || Object.is(x, -0))) sinv = -sinv;
  if (((~(j - 2)) & 4) !== 0) cosv = -cosv;
  out[0] = sinv;
  out[1] = cosv;
}
