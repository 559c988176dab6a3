/**
 * Fused multiply-add with a single rounding, emulated with binary64 only (torch-parity §1.2).
 * torch's AVX2 build fuses many multiply-adds; JS has no fma, so these reproduce them exactly.
 */

/**
 * fma32(a, b, c) for binary32 operands: the exact a·b + c rounded once to binary32.
 * a·b is exact in binary64 (48 bits), so s = a·b + c has one binary64 rounding; f32(s) is
 * then correct unless s sits exactly on a binary32 midpoint while the binary64 sum was
 * inexact (double rounding). Only then is the error term needed: the exact value lies on the
 * side of the midpoint the error points to. Equivalent to round-to-odd (Boldo–Melquiond).
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = Math.fround(s);
  if (r === s) return r;
  // an overflow counts as ±2^128, the next binade's first value, so that the midpoint test
  // below sees FLT_MAX as the other neighbour (2s − ∞ would pass as a "binary32" −∞)
  const rr = r === Infinity ? 2 ** 128 : r === -Infinity ? -(2 ** 128) : r;
  const t = 2 * s - rr; // the other binary32 neighbour iff s is a midpoint
  if (Math.fround(t) !== t) return r;
  const bb = s - p;
  const e = (p - (s - bb)) + (c - bb);
  if (e === 0) return r;
  return Math.fround(e > 0 ? Math.max(rr, t) : Math.min(rr, t));
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer); // [lo, hi] on little-endian hosts

/** x + y rounded to odd (RN, then the last bit forced odd when inexact). */
function addRoundOdd(x: number, y: number): number {
  const s = x + y;
  const bb = s - x;
  const e = (x - (s - bb)) + (y - bb);
  if (e === 0) return s;
  f64[0] = s;
  if ((u32[0] & 1) !== 0) return s;
  const up = (e > 0) === (s > 0); // move the magnitude up or down by one ulp
  if (up) {
    u32[0] = u32[0] + 1; // lo is even: no carry
  } else if (u32[0] === 0) {
    u32[0] = 0xffffffff;
    u32[1] = u32[1] - 1;
  } else {
    u32[0] = u32[0] - 1;
  }
  return f64[0];
}

const SPLIT = 134217729; // 2^27 + 1 (Veltkamp)

/** fma64(a, b, c): binary64 fused multiply-add, one rounding (Boldo–Melquiond). */
export function fma64(a: number, b: number, c: number): number {
  const uh = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const ul = ((ah * bh - uh) + ah * bl + al * bh) + al * bl;
  const th = c + uh;
  const bb = th - c;
  const tl = (c - (th - bb)) + (uh - bb);
  return th + addRoundOdd(tl, ul);
}
