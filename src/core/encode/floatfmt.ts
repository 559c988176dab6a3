/**
 * Shortest round-trip decimal text of tensor elements (API "JSON numbers").
 *
 * Contract: an element is printed with the fewest significant digits `d` such that parsing `d`
 * as a binary64 and then rounding ONCE to the dtype (IEEE round-to-nearest-even, as numpy's
 * `np.float16(float(d))` does) gives the element back. Among the shortest candidates the one
 * nearest the element is printed (ties: the even last digit), as Ryu, Python's `repr` and
 * numpy's Dragon4 do. Non-finite values are the JSON strings "nan", "inf", "-inf". Because the
 * parse goes through binary64, a float32 token can be a digit shorter than numpy's repr, which
 * bounds digits by the exact float32 interval: `7.038531e-26`, where numpy prints
 * `7.0385313e-26` (and `np.float32('7.038531e-26')` gives the element back, as the contract says).
 *
 * Layout follows Python's `repr(float)` (what `json.dumps(t.tolist())` prints for a float64
 * tensor): positional between 1e-4 and 1e16, otherwise `1.5e-05` / `1e+16` (sign always, at
 * least two exponent digits); integral values keep a `.0` so a reader sees a float; `-0.0` keeps
 * its sign. So a float64 tensor prints byte-for-byte as `json.dumps(t.tolist(), separators=(',',
 * ':'))`, and float32/16-bit tensors print their own (shorter) shortest digits, never the
 * 17-digit expansion of the widened double.
 *
 * Why not `toPrecision(1..9)`: it is ~100 ns a call, and 1M float32 elements must encode in
 * tens of milliseconds. The search here runs over the decimal exponent `q` of the last digit:
 * the decimals that round-trip form an interval around the element (both the parse and the
 * rounding are monotone), so if a multiple of 10^(q+1) lies in it, a multiple of 10^q does too,
 * and the largest `q` with a member gives the fewest digits. It starts where a member is certain
 * (10^q0 no larger than the half-gap to the nearest neighbour) and walks up, usually two steps.
 * Membership is decided by comparing the distance to the nearest multiple with the half-gaps,
 * with a margin far above the floating-point error; inside the margin (near a boundary or a tie)
 * the candidate is parsed back exactly: for `c < 2^53` and `|q| <= 22`, `c * 10^q` (or
 * `c / 10^-q`) is one correctly rounded IEEE operation on exact operands, which is what a correct
 * decimal parser returns (Clinger's fast path); other exponents go through `Number()`, and exact
 * ties through BigInt. float16/bfloat16 tokens are computed once per bit pattern and cached;
 * float64 uses the engine's shortest (`Number::toString`), laid out as Python does.
 */
import type { FloatDtype } from '../dtype.js';

// ---------------------------------------------------------------------------------------------
// Direct binary64 → 16-bit rounding (the "rounded once" of the contract; dtype.ts goes through
// binary32 first because that is what c10::Half does, which is not what a JSON reader does).

const f64 = new Float64Array(1);
const f64w = new Uint32Array(f64.buffer); // [lo, hi] on little-endian hosts
const f32 = new Float32Array(1);
const f32w = new Uint32Array(f32.buffer);

/** 2^k for k in [-1074, 1023], exact (a table: `2 ** k` with a variable k is a slow pow call). */
const POW2 = new Float64Array(2098);
for (let k = -1074; k <= 1023; k++) POW2[k + 1074] = 2 ** k;
const TWO = (k: number): number => POW2[k + 1074];
/** Adding then subtracting 2^52 rounds a double in [0, 2^51) to an integer, ties to even. */
const RNE_MAGIC = 2 ** 52;

/**
 * Rounds a double to the binary format with `p` significant bits and minimum normal exponent
 * `emin`, IEEE round-to-nearest-even with subnormals; returns the rounded value (±Infinity past
 * the largest finite value `max`).
 */
function roundBinary(x: number, p: number, emin: number, max: number): number {
  if (x !== x || x === 0 || x === Infinity || x === -Infinity) return x;
  const a = x < 0 ? -x : x;
  f64[0] = a;
  let e = ((f64w[1] >>> 20) & 0x7ff) - 1023; // a double subnormal is far below any 16-bit subnormal
  if (e < emin) e = emin;
  const scale = TWO(p - 1 - e); // a·scale < 2^p: exact (a power-of-two scaling)
  const r = (a * scale + RNE_MAGIC - RNE_MAGIC) / scale;
  const y = r > max ? Infinity : r;
  return x < 0 ? -y : y;
}

/** binary64 → float16 value, rounded once (numpy's `npy_double_to_half`). */
export function roundF16(x: number): number {
  return roundBinary(x, 11, -14, 65504);
}

/** binary64 → bfloat16 value, rounded once. */
export function roundBf16(x: number): number {
  return roundBinary(x, 8, -126, 3.3895313892515355e38);
}

/** binary64 → float16 bits, rounded once (NaN → 0x7E00 with its sign). */
export function f16BitsFromF64(x: number): number {
  if (x !== x) { f64[0] = x; return ((f64w[1] >>> 16) & 0x8000) | 0x7e00; }
  const r = roundF16(x);
  const sign = r < 0 || (r === 0 && 1 / r < 0) ? 0x8000 : 0;
  const a = r < 0 ? -r : r;
  if (a === Infinity) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | (a * 2 ** 24); // subnormal: exact multiple of 2^-24
  f64[0] = a;
  const e = ((f64w[1] >>> 20) & 0x7ff) - 1023;
  return sign | ((e + 15) << 10) | ((a * TWO(10 - e)) - 1024);
}

/** binary64 → bfloat16 bits, rounded once (NaN → 0x7FC0 with its sign). */
export function bf16BitsFromF64(x: number): number {
  if (x !== x) { f64[0] = x; return ((f64w[1] >>> 16) & 0x8000) | 0x7fc0; }
  f32[0] = roundBf16(x); // exactly representable in binary32
  return f32w[0] >>> 16;
}

/** A double rounded once to the dtype (float32: Math.fround; float64: itself). */
export function roundToDtype(dtype: FloatDtype, x: number): number {
  switch (dtype) {
    case 'float64': return x;
    case 'float32': return Math.fround(x);
    case 'float16': return roundF16(x);
    case 'bfloat16': return roundBf16(x);
  }
}

// ---------------------------------------------------------------------------------------------
// Shortest digits.

/** 10^k, correctly rounded, for k in [-400, 400] (exact for 0 <= k <= 22). */
const P10_OFF = 400;
const P10 = new Float64Array(2 * P10_OFF + 1);
for (let k = -P10_OFF; k <= P10_OFF; k++) P10[k + P10_OFF] = Number(`1e${k}`);
const pow10 = (k: number): number => P10[k + P10_OFF];

/** Integer powers of ten for digit counting (exact up to 10^15). */
const IP10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16];

/** The binary64 a correct parser returns for the decimal c·10^q (c a non-negative integer). */
function parseDecimal(c: number, q: number): number {
  if (c < 9007199254740992) {
    if (q >= 0 && q <= 22) return c * P10[q + P10_OFF];
    if (q < 0 && q >= -22) return c / P10[-q + P10_OFF];
  }
  return Number(`${c}e${q}`);
}

/** Sign of 2·v − (2f+1)·10^q, exactly: which of f·10^q, (f+1)·10^q is nearer v (rare path). */
function tieSign(v: number, f: number, q: number): number {
  f64[0] = v;
  const be = (f64w[1] >>> 20) & 0x7ff;
  let m = BigInt(f64w[1] & 0xfffff) * 4294967296n + BigInt(f64w[0]);
  let e = be - 1075;
  if (be === 0) e = -1074;
  else m += 1n << 52n;
  let l = 2n * m;
  let r = BigInt(2 * f + 1);
  if (e >= 0) l <<= BigInt(e); else r <<= BigInt(-e);
  if (q >= 0) r *= 10n ** BigInt(q); else l *= 10n ** BigInt(-q);
  return l < r ? -1 : l > r ? 1 : 0;
}

type Round = (x: number) => number;

/**
 * The member of {f·10^q, (f+1)·10^q} (f = floor(v/10^q)) nearest v, or -1 when neither parses
 * back to v. Only those two can be the nearest member: the round-trip set is an interval
 * containing v. `hmax` bounds the half-gap around v, for a cheap early rejection.
 */
function pick(v: number, q: number, round: Round, hmax: number): number {
  const t = q >= 0 ? v / pow10(q) : v * pow10(-q);
  const f = Math.floor(t);
  const frac = t - f;
  const near = frac < 0.5 ? frac : 1 - frac;
  const lim = q >= 0 ? hmax / pow10(q) : hmax * pow10(-q);
  if (near > lim * 1.000001 + 1e-6) return -1; // slack covers the error of t
  const a = frac <= 0.5 ? f : f + 1;
  const b = frac <= 0.5 ? f + 1 : f;
  if (round(parseDecimal(a, q)) === v) {
    if (frac > 0.4999999 && frac < 0.5000001 && round(parseDecimal(b, q)) === v) {
      const s = tieSign(v, f, q);
      return s < 0 ? f : s > 0 ? f + 1 : f % 2 === 0 ? f : f + 1;
    }
    return a;
  }
  return round(parseDecimal(b, q)) === v ? b : -1;
}

/** Result registers of `shortest` (no allocation in the hot loop). */
const RES = new Float64Array(2); // [c, q]: a typed array, not module `let`s (TDZ checks)

/**
 * Shortest c·10^q (c without trailing zeros) that parses back to v under `round`; v > 0 finite.
 * `q0` must satisfy 10^q0 <= the smaller half-gap around v, so that the nearest multiple of
 * 10^q0 is certainly a member; `hmax` is the larger half-gap.
 */
function shortest(v: number, round: Round, q0: number, hmax: number): void {
  let q = q0 + 1;
  let c = pick(v, q, round, hmax);
  if (c < 0) {
    c = pick(v, q0, round, hmax);
    if (c < 0) throw new Error(`floatfmt: no candidate at 10^${q0} for ${v}`); // q0 too large
    q = q0;
  } else {
    for (;;) {
      const c2 = pick(v, q + 1, round, hmax);
      if (c2 < 0) break;
      c = c2;
      q++;
    }
  }
  while (c !== 0 && c % 10 === 0) { c /= 10; q++; } // defensive: a maximal q has none
  RES[0] = c;
  RES[1] = q;
}

/** floor(log10(h)) for a power of two h, checked against the correctly rounded powers. */
function floorLog10(h: number): number {
  let k = Math.floor(Math.log10(h));
  while (pow10(k) > h) k--;
  while (pow10(k + 1) <= h) k++;
  return k;
}

// float32: per biased exponent, q0 for a general mantissa and for a power of two (whose lower
// neighbour is half as far), and the larger half-gap. Exported (with P10NEG) for the WebAssembly
// writer (fmt32-wasm.ts), which copies them into its memory: the same tables, the same decisions.
export const F32_Q0 = new Int16Array(256);
export const F32_Q0_POW2 = new Int16Array(256);
export const F32_HMAX = new Float64Array(256);
for (let be = 0; be < 255; be++) {
  const ulp = TWO(Math.max(be, 1) - 150);
  F32_HMAX[be] = ulp / 2;
  F32_Q0[be] = floorLog10(ulp / 2);
  F32_Q0_POW2[be] = be > 1 ? floorLog10(ulp / 4) : F32_Q0[be];
}

/** 10^-k for k in [-400, 400] (index k + 400): t = v·10^-q is one multiply. */
export const P10NEG = new Float64Array(2 * P10_OFF + 1);
for (let k = -P10_OFF; k <= P10_OFF; k++) P10NEG[k + P10_OFF] = Number(`1e${-k}`);

/**
 * Is a candidate at distance `dist` from v (in units of 10^q) inside a half-gap of `lim` units?
 * 1 yes, 0 no, -1 too close to call in floating point (then it is parsed back exactly). The
 * margin dwarfs the error of t = v·10^-q (< 2^-26 units here) and of the parse (2^-53·v).
 */
function within(dist: number, lim: number): number {
  const slack = lim * 1e-6 + 1e-6;
  return dist < lim - slack ? 1 : dist > lim + slack ? 0 : -1;
}

/**
 * `pick` specialised to float32, the hot path of the JSON encoder (~2 calls per element).
 * Membership is decided by comparing distances with the half-gaps (`hmax` on both sides, except
 * below a power of two, whose lower neighbour is twice as close), parsing back exactly only in
 * the rare near-boundary or near-tie cases (`pickF32Slow`).
 */
function pickF32(v: number, q: number, hmax: number, pow2: boolean): number {
  const s = P10NEG[q + P10_OFF];
  const t = v * s;
  const f = Math.floor(t);
  const frac = t - f;
  const lim = hmax * s;
  const near = frac < 0.5 ? frac : 1 - frac;
  if (near > lim + lim * 1e-6 + 1e-6) return -1; // the nearest multiple is outside: none is in
  if (!pow2 && near < lim - lim * 1e-6 - 1e-6 && (frac < 0.4999999 || frac > 0.5000001)) return frac < 0.5 ? f : f + 1;
  return pickF32Slow(v, q, f, frac, lim, pow2);
}

function pickF32Slow(v: number, q: number, f: number, frac: number, lim: number, pow2: boolean): number {
  let below = within(frac, pow2 ? lim / 2 : lim);
  let above = within(1 - frac, lim);
  if (below < 0) below = Math.fround(parseDecimal(f, q)) === v ? 1 : 0;
  if (above < 0) above = Math.fround(parseDecimal(f + 1, q)) === v ? 1 : 0;
  if (below === 1 && above === 1) {
    if (frac < 0.4999999) return f;
    if (frac > 0.5000001) return f + 1;
    const sg = tieSign(v, f, q);
    return sg < 0 ? f : sg > 0 ? f + 1 : f % 2 === 0 ? f : f + 1;
  }
  return below === 1 ? f : above === 1 ? f + 1 : -1;
}

/**
 * Shortest digits of a positive finite float32 value `a` with bit pattern `u` (→ RES). The
 * common steps of `pickF32` are inlined: walk q up from q0 + 1 while the multiple of 10^q
 * nearest `a` is clearly inside the half-gap; anything borderline goes to `pickF32Slow`.
 */
function shortestF32(a: number, u: number): void {
  const be = u >>> 23;
  const pow2 = (u & 0x7fffff) === 0 && be > 1;
  const q0 = pow2 ? F32_Q0_POW2[be] : F32_Q0[be];
  const hmax = F32_HMAX[be];
  let q = q0 + 1;
  let c = -1;
  for (;;) {
    const s = P10NEG[q + P10_OFF];
    const t = a * s;
    const f = Math.floor(t);
    const frac = t - f;
    const lim = hmax * s;
    const near = frac < 0.5 ? frac : 1 - frac;
    if (near > lim + lim * 1e-6 + 1e-6) break; // the nearest multiple is outside: none is in
    let c2: number;
    if (!pow2 && near < lim - lim * 1e-6 - 1e-6 && (frac < 0.4999999 || frac > 0.5000001)) c2 = frac < 0.5 ? f : f + 1;
    else {
      c2 = pickF32Slow(a, q, f, frac, lim, pow2);
      if (c2 < 0) break;
    }
    c = c2;
    q++;
  }
  if (c < 0) {
    q = q0;
    c = pickF32(a, q0, hmax, pow2); // certain: 10^q0 is at most the smaller half-gap
  } else q--;
  RES[0] = c;
  RES[1] = q;
}

/** Half-gaps of a positive finite value among its dtype's neighbours (16-bit tables, tests). */
function halfGaps(dtype: FloatDtype, a: number): [number, number] {
  const p = dtype === 'float16' ? 11 : dtype === 'bfloat16' ? 8 : dtype === 'float32' ? 24 : 53;
  const emin = dtype === 'float16' ? -14 : dtype === 'float64' ? -1022 : -126;
  f64[0] = a;
  let e = ((f64w[1] >>> 20) & 0x7ff) - 1023;
  if (((f64w[1] >>> 20) & 0x7ff) === 0) e = -1023;
  const ulp = TWO(Math.max(e, emin) - p + 1);
  const lower = e > emin && a === TWO(e) ? ulp / 4 : ulp / 2;
  return [lower, ulp / 2];
}

/** The rounding function of each float dtype. */
const ROUND: Record<FloatDtype, Round> = {
  float64: (x) => x,
  float32: Math.fround,
  float16: roundF16,
  bfloat16: roundBf16,
};

/**
 * Shortest decimal of a positive finite value of the dtype: the integer `c` (no trailing zeros)
 * and exponent `q` with value ≈ c·10^q. float64 uses the engine's shortest (ECMAScript
 * Number::toString is shortest-nearest, as Python's repr).
 */
export function shortestDecimal(dtype: FloatDtype, a: number): { digits: string; exp: number } {
  if (!(a > 0) || a === Infinity) throw new RangeError('shortestDecimal: positive finite values only');
  if (dtype === 'float64') {
    const [digits, decpt] = digitsOf64(a);
    return { digits, exp: decpt - digits.length };
  }
  if (dtype === 'float32') {
    f32[0] = a;
    shortestF32(a, f32w[0]);
  } else {
    const [lo, hi] = halfGaps(dtype, a);
    shortest(a, ROUND[dtype], floorLog10(lo), hi);
  }
  return { digits: String(RES[0]), exp: RES[1] };
}

/** Digits (no leading/trailing zeros) and decimal-point position of String(a), a > 0 finite. */
function digitsOf64(a: number): [string, number] {
  const s = String(a);
  let mant = s;
  let exp10 = 0;
  const ei = s.indexOf('e');
  if (ei >= 0) { mant = s.slice(0, ei); exp10 = Number(s.slice(ei + 1)); }
  const dot = mant.indexOf('.');
  const intPart = dot >= 0 ? mant.slice(0, dot) : mant;
  const all = dot >= 0 ? intPart + mant.slice(dot + 1) : mant;
  let i = 0;
  while (all.charCodeAt(i) === 48) i++;
  let j = all.length;
  while (j > i && all.charCodeAt(j - 1) === 48) j--;
  // value = 0.all × 10^(intPart.length + exp10); leading zeros move the point left
  return [all.slice(i, j), intPart.length + exp10 - i];
}

/** Python repr layout of 0.DIGITS × 10^decpt (no sign). */
function layout(d: string, decpt: number): string {
  const n = d.length;
  if (decpt <= -4 || decpt > 16) {
    const x = decpt - 1;
    const ax = x < 0 ? -x : x;
    return `${d[0]}${n > 1 ? '.' + d.slice(1) : ''}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' : ''}${ax}`;
  }
  if (decpt <= 0) return '0.' + '0'.repeat(-decpt) + d;
  if (decpt >= n) return d + '0'.repeat(decpt - n) + '.0';
  return d.slice(0, decpt) + '.' + d.slice(decpt);
}

/**
 * Text of one element of the dtype, Python-repr style: "1.0", "-0.0", "0.1", "1e-05",
 * "nan", "inf", "-inf" (the last three are JSON strings when written by `floatJson`).
 */
export function formatFloat(dtype: FloatDtype, x: number): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return 1 / x < 0 ? '-0.0' : '0.0';
  const a = x < 0 ? -x : x;
  const { digits, exp } = shortestDecimal(dtype, a);
  return (x < 0 ? '-' : '') + layout(digits, digits.length + exp);
}

/** JSON token of one element: a number, or the string "nan" / "inf" / "-inf". */
export function floatJson(dtype: FloatDtype, x: number): string {
  const s = formatFloat(dtype, x);
  return x === x && x !== Infinity && x !== -Infinity ? s : `"${s}"`;
}

// ---------------------------------------------------------------------------------------------
// Byte writers for the JSON encoder: (out, pos, element) → new pos. The caller guarantees
// MAX_ELEMENT_BYTES[dtype] free bytes.

/** Longest JSON token per element: "-1234567800000000.0" (19), float64 "-1.2345678901234567e-300". */
export const MAX_ELEMENT_BYTES = { float32: 19, float64: 24, float16: 10, bfloat16: 19, int64: 20 } as const;

const NAN = [34, 110, 97, 110, 34]; // "nan"
const INF = [34, 105, 110, 102, 34]; // "inf"
const NINF = [34, 45, 105, 110, 102, 34]; // "-inf"

function writeArr(out: Uint8Array, pos: number, a: readonly number[]): number {
  for (let i = 0; i < a.length; i++) out[pos + i] = a[i];
  return pos + a.length;
}

/** "0000".."9999" as little-endian packed ASCII: four digits per division and per store. */
const QUADS = new Uint32Array(10000);
/** "00".."99" likewise. */
const PAIRS = new Uint16Array(100);
for (let i = 0; i < 10000; i++) {
  const d = [Math.floor(i / 1000), Math.floor(i / 100) % 10, Math.floor(i / 10) % 10, i % 10].map((x) => 48 + x);
  QUADS[i] = (d[0] | (d[1] << 8) | (d[2] << 16) | (d[3] << 24)) >>> 0;
  if (i < 100) PAIRS[i] = d[2] | (d[3] << 8);
}

/** Decimal digit count of an integer 0 < c < 2^31: a bit-length table and one compare. */
const DIGITS_OF_BITS = new Uint8Array(33);
for (let b = 0; b <= 32; b++) DIGITS_OF_BITS[b] = Math.max(1, Math.ceil((b * Math.LN2) / Math.LN10));
function digitCount(c: number): number {
  const n = DIGITS_OF_BITS[32 - Math.clz32(c)];
  return c < IP10[n - 1] ? n - 1 : n;
}

/**
 * Writes `count` decimal digits of integer c (< 2^31: a shortest float32 has at most 9 digits,
 * float16/bfloat16 at most 5) right-aligned ending before `end`, zero-padded: four digits per
 * division and per 32-bit store (the divisions form a dependent chain), through a DataView over
 * the same bytes as `out`. Never `%` on a double: that is a libm fmod call.
 */
function writeDigits(out: Uint8Array, dv: DataView, end: number, c: number, count: number): void {
  let i = end;
  const stop = end - count;
  let ci = c | 0;
  while (i - 4 >= stop) {
    const q = (ci / 10000) | 0;
    i -= 4;
    dv.setUint32(i, QUADS[ci - q * 10000], true);
    ci = q;
  }
  if (i - 2 >= stop) {
    const q = (ci / 100) | 0;
    i -= 2;
    dv.setUint16(i, PAIRS[ci - q * 100], true);
    ci = q;
  }
  if (i > stop) out[--i] = 48 + ci;
}

/** Python repr layout of c·10^q (c < 2^31, no trailing zeros) into out at pos. */
function writeDecimal(out: Uint8Array, dv: DataView, pos: number, neg: boolean, c: number, q: number): number {
  if (neg) out[pos++] = 45;
  if (q < 0 && q > -17) {
    const one = IP10[-q]; // the decimal is c / one
    if (c < one && (q > -5 || c >= IP10[-q - 4])) {
      // 1e-4 <= value < 1, the common case of weights: "0." then c zero-padded to -q digits
      out[pos] = 48;
      out[pos + 1] = 46;
      writeDigits(out, dv, pos + 2 - q, c, -q);
      return pos + 2 - q;
    }
    if (c >= one && c < 1e16 * one) {
      // 1 <= value < 1e16: integer part, point, fraction zero-padded to -q digits
      const ip = Math.floor(c / one);
      const ni = digitCount(ip);
      writeDigits(out, dv, pos + ni, ip, ni);
      pos += ni;
      out[pos] = 46;
      writeDigits(out, dv, pos + 1 - q, c - ip * one, -q);
      return pos + 1 - q;
    }
  }
  const n = digitCount(c);
  const decpt = n + q;
  if (decpt <= -4 || decpt > 16) {
    // d.ddde±XX: write all digits one place right, then move the lead digit left of the point
    writeDigits(out, dv, pos + n + 1, c, n);
    out[pos] = out[pos + 1];
    if (n > 1) { out[pos + 1] = 46; pos += n + 1; } else pos += 1;
    out[pos++] = 101;
    let x = decpt - 1;
    if (x < 0) { out[pos++] = 45; x = -x; } else out[pos++] = 43;
    const xd = x < 100 ? 2 : 3;
    writeDigits(out, dv, pos + xd, x, xd);
    return pos + xd;
  }
  if (q >= 0) {
    // an integer below 1e16: digits, q zeros, ".0"
    writeDigits(out, dv, pos + n, c, n);
    pos += n;
    for (let i = 0; i < q; i++) out[pos++] = 48;
    out[pos++] = 46;
    out[pos++] = 48;
    return pos;
  }
  // the positional forms above cover every q in (-17, 0); no other c·10^q gets here
  throw new Error(`floatfmt: no layout for ${c}e${q}`);
}

function writeSpecial(out: Uint8Array, pos: number, x: number): number {
  if (x !== x) return writeArr(out, pos, NAN);
  if (x === Infinity) return writeArr(out, pos, INF);
  if (x === -Infinity) return writeArr(out, pos, NINF);
  // zero
  if (1 / x < 0) out[pos++] = 45;
  out[pos] = 48; out[pos + 1] = 46; out[pos + 2] = 48;
  return pos + 3;
}

/** JSON token of float32 element x (bit pattern u) at pos; dv views the same bytes as out. */
export function writeFloat32(out: Uint8Array, dv: DataView, pos: number, x: number, u: number): number {
  const au = u & 0x7fffffff;
  if (au === 0 || au >= 0x7f800000) return writeSpecial(out, pos, x);
  shortestF32(x < 0 ? -x : x, au);
  return writeDecimal(out, dv, pos, x < 0, RES[0], RES[1]);
}

/**
 * JSON token of a float64 element. Between 1e-4 and 1e16 the engine's shortest text is already
 * Python's layout, but for the ".0" of integral values; elsewhere `formatFloat` lays it out.
 */
export function float64Token(x: number): string {
  const a = x < 0 ? -x : x;
  if (a >= 1e-4 && a < 1e16) return Number.isInteger(x) ? String(x) + '.0' : String(x);
  return floatJson('float64', x);
}

/**
 * Token cache of a 16-bit dtype: slot h (W bytes at h·W) holds the token of bit pattern h once
 * `len[h]` is non-zero. Filled lazily: building all 65536 tokens costs ~50 ms cold, while most
 * tensors touch a few thousand patterns.
 */
export class TokenCache {
  readonly width: number;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly len = new Uint8Array(65536);
  constructor(readonly dtype: 'float16' | 'bfloat16') {
    this.width = MAX_ELEMENT_BYTES[dtype];
    this.bytes = new Uint8Array(65536 * this.width);
    this.view = new DataView(this.bytes.buffer);
  }
  /** Writes the token of pattern h at pos; returns the new pos. */
  write(out: Uint8Array, pos: number, h: number): number {
    let n = this.len[h];
    const at = h * this.width;
    if (n === 0) n = this.len[h] = writeToken16(this.dtype, h, this.bytes, this.view, at) - at;
    const b = this.bytes;
    for (let i = 0; i < n; i++) out[pos + i] = b[at + i];
    return pos + n;
  }
}

const caches: Partial<Record<'float16' | 'bfloat16', TokenCache>> = {};

/** The token cache of float16 or bfloat16 (one per thread, filled on demand). */
export function tokenCache(dtype: 'float16' | 'bfloat16'): TokenCache {
  return (caches[dtype] ??= new TokenCache(dtype));
}

/** Writes the JSON token of 16-bit pattern h at pos; returns the new pos. */
function writeToken16(dtype: 'float16' | 'bfloat16', h: number, out: Uint8Array, dv: DataView, pos: number): number {
  const x = decode16(dtype, h);
  if (x === 0 || x !== x || x === Infinity || x === -Infinity) return writeSpecial(out, pos, x);
  const a = x < 0 ? -x : x;
  const [lo, hi] = halfGaps(dtype, a);
  shortest(a, ROUND[dtype], floorLog10(lo), hi);
  return writeDecimal(out, dv, pos, x < 0, RES[0], RES[1]);
}

/** Value of a float16 / bfloat16 bit pattern. */
export function decode16(dtype: 'float16' | 'bfloat16', h: number): number {
  if (dtype === 'bfloat16') {
    f32w[0] = h << 16;
    return f32[0];
  }
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1024 + m) * TWO(e - 25);
}
