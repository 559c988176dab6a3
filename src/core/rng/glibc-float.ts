/**
 * glibc 2.36 binary32 `logf`, `expf` and `erff`, bit for bit as x86-64 glibc runs them on a
 * CPU with AVX2+FMA (torch-parity §3.4, §6). Our own TypeScript port; the algorithms,
 * constants and tables are those of glibc's
 *   sysdeps/ieee754/flt-32/e_expf.c + e_exp2f_data.c   (EXP2F_TABLE_BITS 5, poly order 3),
 *   sysdeps/ieee754/flt-32/e_logf.c + e_logf_data.c    (LOGF_TABLE_BITS 4, poly order 4),
 *   sysdeps/ieee754/flt-32/s_erff.c                    (fdlibm, binary32 throughout),
 * with the multiply-add contractions of the FMA builds that glibc's ifunc selects on such a
 * CPU (sysdeps/x86_64/fpu/multiarch/e_expf-fma.c, e_logf-fma.c, built with -mfma -mavx2).
 * erff has no ifunc variant: it is the plain SSE2 build (no FMA, every op rounded to binary32),
 * but its two exp calls go through the ifunc'd expf, so they are FMA expf as well.
 *
 * The FMA placement below was read off the disassembly of Debian 12's libm.so.6 (2.36-9):
 *   expf: kd = fma(InvLn2N, x, SHIFT); r = fma(InvLn2N, x, -(kd - SHIFT));
 *         z = fma(C0, r, C1); y = fma(C2, r, 1); y = fma(z, r*r, y); result = (float)(y * s)
 *   logf: r = fma(z, invc, -1); y0 = fma(k, Ln2, logc); p = fma(A1, r, A2);
 *         p = fma(A0, r*r, p); result = (float) fma(p, r*r, y0 + r)
 *
 * Speed: each function first evaluates in plain binary64 (where the fused and unfused
 * evaluations differ by a few binary64 ulps at most) and accepts that result when every
 * value within a margin far wider than that difference rounds to the same binary32;
 * otherwise (about 1 input in 10^4) it re-evaluates with the exact fma64 emulation. The
 * margin test makes the fast path provably equal to the exact one; tools/glibc-check
 * compares the result with the real glibc exhaustively.
 */
import { fma64 } from './fma.js';

const fr = Math.fround;

/** Exact value of a C99 hex float literal such as "-0x1.57bf7808caadep-2". */
function hexf(s: string): number {
  const m = /^(-?)0x([0-9a-f])(?:\.([0-9a-f]*))?p([+-]?\d+)$/i.exec(s);
  if (!m) throw new Error(`bad hex float ${s}`);
  const frac = m[3] ?? '';
  const mant = parseInt(m[2] + frac, 16); // ≤ 53 bits: exact
  const v = mant * 2 ** (Number(m[4]) - 4 * frac.length);
  return m[1] ? -v : v;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** The binary32 with bit pattern `b`. */
function fbits(b: number): number {
  u32[0] = b;
  return f32[0];
}
/** The bit pattern of binary32 value `x`. */
function bitsOf(x: number): number {
  f32[0] = x;
  return u32[0];
}

const d64 = new Float64Array(1);
const d32 = new Uint32Array(d64.buffer); // [lo, hi], little-endian

// ---------------------------------------------------------------------------------------
// expf (e_expf.c, e_exp2f_data.c)
// ---------------------------------------------------------------------------------------

const EXP_N = 32;
// 2^(i/32) as binary64: the table stores bits(2^(i/N)) - (i << 47); we store the doubles.
const EXP_TAB_BITS = [
  '3ff0000000000000', '3fefd9b0d3158574', '3fefb5586cf9890f', '3fef9301d0125b51',
  '3fef72b83c7d517b', '3fef54873168b9aa', '3fef387a6e756238', '3fef1e9df51fdee1',
  '3fef06fe0a31b715', '3feef1a7373aa9cb', '3feedea64c123422', '3feece086061892d',
  '3feebfdad5362a27', '3feeb42b569d4f82', '3feeab07dd485429', '3feea47eb03a5585',
  '3feea09e667f3bcd', '3fee9f75e8ec5f74', '3feea11473eb0187', '3feea589994cce13',
  '3feeace5422aa0db', '3feeb737b0cdc5e5', '3feec49182a3f090', '3feed503b23e255d',
  '3feee89f995ad3ad', '3feeff76f2fb5e47', '3fef199bdd85529c', '3fef3720dcef9069',
  '3fef5818dcfba487', '3fef7c97337b9b5f', '3fefa4afa2a490da', '3fefd0765b6e4540',
];
const EXP_T = new Float64Array(EXP_N);
for (let i = 0; i < EXP_N; i++) {
  const b = BigInt('0x' + EXP_TAB_BITS[i]) + (BigInt(i) << 47n);
  d32[0] = Number(b & 0xffffffffn);
  d32[1] = Number(b >> 32n);
  EXP_T[i] = d64[0];
}
/** 2^e for e in [-200, 200], indexed by e + 200. */
const POW2 = new Float64Array(401);
for (let e = -200; e <= 200; e++) POW2[e + 200] = 2 ** e;

const INVLN2N = hexf('0x1.71547652b82fep+0') * EXP_N;
const SHIFT = hexf('0x1.8p+52');
const EC0 = hexf('0x1.c6af84b912394p-5') / EXP_N / EXP_N / EXP_N;
const EC1 = hexf('0x1.ebfce50fac4f3p-3') / EXP_N / EXP_N;
const EC2 = hexf('0x1.62e42ff0c52d6p-1') / EXP_N;
// INVLN2N = INV_HI + INV_LO with INV_HI of 29 significant bits: x·INV_HI and x·INV_LO are
// then exact binary64 products for every binary32 x.
const INV_HI = (() => {
  d64[0] = INVLN2N;
  d32[0] &= ~0xffffff; // keep 53 - 24 = 29 bits
  return d64[0];
})();
const INV_LO = INVLN2N - INV_HI;
const EXP_OFLOW = fbits(0x42b17217); // 0x1.62e42ep6f
const EXP_UFLOW = -fbits(0x42cff1b4); // -0x1.9fe368p6f
const EXP_MAYUFLOW = -fbits(0x42ce8ed0); // -0x1.9d1d9ep6f
// Relative margin of the fast paths. expf: r is the fused r exactly, y ∈ [0.98, 1.02] and the
// unfused y differs from the fused one by < 2^-50 relative, so v = y·s by < 2^-49. logf: the
// unfused r, y0 and polynomial differ from the fused ones by < 2^-50·(|y0| + |r| + |v|) (for
// table entry 9, invc = 1 and r is exact either way; otherwise |y0| > 0.035, and |k·Ln2| <
// 2|y0| + 1). 2^-44 leaves a factor ≥ 32.
const MARGIN = 2 ** -44;

/** How often the fast paths fell back to the exact FMA emulation (for tests and tools). */
export const fallbacks = { expf: 0, logf: 0 };

/** Special cases: |x| >= 88 or NaN (returns undefined when the main path applies). */
function expfSpecial(x: number): number | undefined {
  if (x === -Infinity) return 0;
  if (!Number.isFinite(x)) return x + x;
  if (x > EXP_OFLOW) return Infinity; // __math_oflowf: 0x1p97f * 0x1p97f
  if (x < EXP_UFLOW) return 0; // __math_uflowf: 0x1p-95f * 0x1p-95f
  if (x < EXP_MAYUFLOW) return fr(fr(1.25 * 2 ** -75) * fr(1.25 * 2 ** -75)); // __math_may_uflowf
  return undefined;
}

/** expf exactly as the FMA build computes it (every fused op emulated). */
export function expfExact(x: number): number {
  if (!(Math.abs(x) < 88)) {
    const s = expfSpecial(x);
    if (s !== undefined) return s;
  }
  const kdShifted = fma64(INVLN2N, x, SHIFT); // z + SHIFT with z = InvLn2N·x fused
  const kd = kdShifted - SHIFT;
  const r = fma64(INVLN2N, x, -kd);
  return fr(expPoly(r, kd));
}

/** y·s of e_expf.c for the reduced argument r and integer kd, with the FMA build's fusions. */
function expPoly(r: number, kd: number): number {
  const i = kd & (EXP_N - 1);
  const s = EXP_T[i] * POW2[((kd - i) / EXP_N) + 200];
  const z = fma64(EC0, r, EC1);
  const r2 = r * r;
  let y = fma64(EC2, r, 1);
  y = fma64(z, r2, y);
  return y * s;
}

/** glibc 2.36 expf (FMA variant) on a binary32 value; returns a binary32 value. */
export function expf(x: number): number {
  if (!(Math.abs(x) < 88)) {
    const s = expfSpecial(x);
    if (s !== undefined) return s;
  }
  // kd = round-to-nearest-even integer of the exact x·InvLn2N; r = x·InvLn2N - kd rounded once.
  const a = x * INV_HI; // exact
  const b = x * INV_LO; // exact
  const a0 = (a + SHIFT) - SHIFT; // RNE integer of a
  const r = (a - a0) + b; // a - a0 exact; one rounding, as the fused r
  if (r >= 0.5 || r <= -0.5) {
    // the rounding of a + b may have crossed a0 ± 1/2
    fallbacks.expf++;
    return expfExact(x);
  }
  const kd = a0;
  const i = kd & (EXP_N - 1);
  const s = EXP_T[i] * POW2[((kd - i) / EXP_N) + 200];
  const r2 = r * r;
  const y = (EC0 * r + EC1) * r2 + (EC2 * r + 1);
  const v = y * s;
  const m = v * MARGIN;
  const lo = fr(v - m);
  if (lo === fr(v + m)) return lo;
  fallbacks.expf++;
  return fr(expPoly(r, kd));
}

// ---------------------------------------------------------------------------------------
// logf (e_logf.c, e_logf_data.c)
// ---------------------------------------------------------------------------------------

const LOG_TAB: readonly (readonly [string, string])[] = [
  ['0x1.661ec79f8f3bep+0', '-0x1.57bf7808caadep-2'],
  ['0x1.571ed4aaf883dp+0', '-0x1.2bef0a7c06ddbp-2'],
  ['0x1.49539f0f010bp+0', '-0x1.01eae7f513a67p-2'],
  ['0x1.3c995b0b80385p+0', '-0x1.b31d8a68224e9p-3'],
  ['0x1.30d190c8864a5p+0', '-0x1.6574f0ac07758p-3'],
  ['0x1.25e227b0b8eap+0', '-0x1.1aa2bc79c81p-3'],
  ['0x1.1bb4a4a1a343fp+0', '-0x1.a4e76ce8c0e5ep-4'],
  ['0x1.12358f08ae5bap+0', '-0x1.1973c5a611cccp-4'],
  ['0x1.0953f419900a7p+0', '-0x1.252f438e10c1ep-5'],
  ['0x1p+0', '0x0p+0'],
  ['0x1.e608cfd9a47acp-1', '0x1.aa5aa5df25984p-5'],
  ['0x1.ca4b31f026aap-1', '0x1.c5e53aa362eb4p-4'],
  ['0x1.b2036576afce6p-1', '0x1.526e57720db08p-3'],
  ['0x1.9c2d163a1aa2dp-1', '0x1.bc2860d22477p-3'],
  ['0x1.886e6037841edp-1', '0x1.1058bc8a07ee1p-2'],
  ['0x1.767dcf5534862p-1', '0x1.4043057b6ee09p-2'],
];
const LOG_INVC = new Float64Array(LOG_TAB.map(([c]) => hexf(c)));
const LOG_LOGC = new Float64Array(LOG_TAB.map(([, l]) => hexf(l)));
const LN2 = hexf('0x1.62e42fefa39efp-1');
const LA0 = hexf('-0x1.00ea348b88334p-2');
const LA1 = hexf('0x1.5575b0be00b6ap-2');
const LA2 = hexf('-0x1.ffffef20a4123p-2');
const LOG_OFF = 0x3f330000;

/** Special cases of logf; `undefined` for normal positive finite x other than 1. */
function logfSpecial(ix: number): number | undefined {
  if (ix === 0x3f800000) return 0;
  if (ix - 0x00800000 >>> 0 < 0x7f800000 - 0x00800000) return undefined;
  if ((ix & 0x7fffffff) === 0) return -Infinity; // __math_divzerof(1)
  if (ix === 0x7f800000) return Infinity;
  if (ix & 0x80000000 || ix >= 0x7f800000) return NaN; // __math_invalidf
  return undefined; // subnormal: normalised by the caller
}

// The reduction of e_logf.c: x = 2^k·z with z in [OFF, 2·OFF) exact; table index i. A
// subnormal x is first scaled by 2^23 (ix = bits(x·2^23) - (23 << 23)).

/** logf exactly as the FMA build computes it (every fused op emulated). */
export function logfExact(x: number): number {
  const ix = bitsOf(x);
  const sp = logfSpecial(ix);
  if (sp !== undefined) return sp;
  const jx = ix < 0x00800000 ? bitsOf(fbits(ix) * 8388608) - (23 << 23) : ix;
  const tmp = (jx - LOG_OFF) | 0;
  return fr(logPoly((tmp >>> 19) & 15, tmp >> 23, fbits((jx - (tmp & 0xff800000)) >>> 0)));
}

function logPoly(i: number, k: number, z: number): number {
  const r = fma64(z, LOG_INVC[i], -1);
  const y0 = fma64(k, LN2, LOG_LOGC[i]);
  const r2 = r * r;
  let y = fma64(LA1, r, LA2);
  y = fma64(LA0, r2, y);
  return fma64(y, r2, y0 + r);
}

/** glibc 2.36 logf (FMA variant) on a binary32 value; returns a binary32 value. */
export function logf(x: number): number {
  const ix = bitsOf(x);
  const sp = logfSpecial(ix);
  if (sp !== undefined) return sp;
  const jx = ix < 0x00800000 ? bitsOf(fbits(ix) * 8388608) - (23 << 23) : ix;
  const tmp = (jx - LOG_OFF) | 0;
  const i = (tmp >>> 19) & 15, k = tmp >> 23;
  const z = fbits((jx - (tmp & 0xff800000)) >>> 0);
  const r = z * LOG_INVC[i] - 1;
  const y0 = k * LN2 + LOG_LOGC[i];
  const r2 = r * r;
  const v = (LA0 * r2 + (LA1 * r + LA2)) * r2 + (y0 + r);
  const m = (Math.abs(y0) + Math.abs(r) + Math.abs(v)) * MARGIN;
  const lo = fr(v - m);
  if (lo === fr(v + m)) return lo;
  fallbacks.logf++;
  return fr(logPoly(i, k, z));
}

// ---------------------------------------------------------------------------------------
// erff (s_erff.c): binary32 arithmetic throughout, no FMA; exp calls are expf above.
// ---------------------------------------------------------------------------------------

const F = (b: number): number => fbits(b);
const ERX = F(0x3f58560b);
const EFX = F(0x3e0375d4);
const EFX16 = fr(16 * EFX);
const PP0 = F(0x3e0375d4), PP1 = F(0xbea66beb), PP2 = F(0xbce9528f), PP3 = F(0xbbbd1489), PP4 = F(0xb7c756b1);
const QQ1 = F(0x3ecbbbce), QQ2 = F(0x3d852a63), QQ3 = F(0x3ba68116), QQ4 = F(0x390aee49), QQ5 = F(0xb684e21a);
const PA0 = F(0xbb1acdc6), PA1 = F(0x3ed46805), PA2 = F(0xbebe9208), PA3 = F(0x3ea2fe54);
const PA4 = F(0xbde31cc2), PA5 = F(0x3d1151b3), PA6 = F(0xbb0df9c0);
const QA1 = F(0x3dd9f331), QA2 = F(0x3f0a5785), QA3 = F(0x3d931ae7), QA4 = F(0x3e013307);
const QA5 = F(0x3c5f6e13), QA6 = F(0x3c445aa3);
const RA0 = F(0xbc21a093), RA1 = F(0xbf31a0b7), RA2 = F(0xc128f022), RA3 = F(0xc2798057);
const RA4 = F(0xc322658c), RA5 = F(0xc3389ae7), RA6 = F(0xc2a2932b), RA7 = F(0xc11d077e);
const SA1 = F(0x419d35ce), SA2 = F(0x4309a863), SA3 = F(0x43d9486f), SA4 = F(0x442158c9);
const SA5 = F(0x43d6810b), SA6 = F(0x42d9451f), SA7 = F(0x40d23f7c), SA8 = F(0xbd777f97);
const RB0 = F(0xbc21a092), RB1 = F(0xbf4c9dd4), RB2 = F(0xc18e104b), RB3 = F(0xc320a2ea);
const RB4 = F(0xc41f6441), RB5 = F(0xc480230b), RB6 = F(0xc3f1c275);
const SB1 = F(0x41f2b459), SB2 = F(0x43a2e571), SB3 = F(0x44c01759), SB4 = F(0x4547fdbb);
const SB5 = F(0x451f90ce), SB6 = F(0x43ed43a7), SB7 = F(0xc1b38712);
const F0_5625 = 0.5625; // (float)0.5625, exact

const ERF_RA_END = F(0x4036db6e); // 1/0.35 rounded up: the RA/SA range is |x| < this

/**
 * glibc 2.36 erff on a binary32 value; returns a binary32 value. The tests on the bit pattern
 * ix = |x|'s bits in s_erff.c are done here as the equivalent comparisons of |x|.
 */
export function erff(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < Infinity)) return x !== x ? x : x > 0 ? 1 : -1; // NaN; (1 - 2·sign) + 1/x
  if (ax < 0.84375) {
    if (ax < 2 ** -28) {
      // |x| < 2^-28
      if (ax < 2 ** -119) return fr(0.0625 * fr(fr(16 * x) + fr(EFX16 * x)));
      return fr(x + fr(EFX * x));
    }
    const z = fr(x * x);
    const r = fr(PP0 + fr(z * fr(PP1 + fr(z * fr(PP2 + fr(z * fr(PP3 + fr(z * PP4))))))));
    const s = fr(1 + fr(z * fr(QQ1 + fr(z * fr(QQ2 + fr(z * fr(QQ3 + fr(z * fr(QQ4 + fr(z * QQ5))))))))));
    const y = fr(r / s);
    return fr(x + fr(x * y));
  }
  if (ax < 1.25) {
    const s = fr(ax - 1);
    const P = fr(PA0 + fr(s * fr(PA1 + fr(s * fr(PA2 + fr(s * fr(PA3 + fr(s * fr(PA4 + fr(s * fr(PA5 + fr(s * PA6))))))))))));
    const Q = fr(1 + fr(s * fr(QA1 + fr(s * fr(QA2 + fr(s * fr(QA3 + fr(s * fr(QA4 + fr(s * fr(QA5 + fr(s * QA6))))))))))));
    const q = fr(P / Q);
    return x < 0 ? fr(-ERX - q) : fr(ERX + q);
  }
  if (ax >= 6) return x < 0 ? -1 : 1; // ±(one - tiny) rounds to ±1
  const s = fr(1 / fr(ax * ax));
  let R: number, S: number;
  if (ax < ERF_RA_END) {
    // |x| < 1/0.35
    R = fr(RA0 + fr(s * fr(RA1 + fr(s * fr(RA2 + fr(s * fr(RA3 + fr(s * fr(RA4 + fr(s * fr(RA5 + fr(s * fr(RA6 + fr(s * RA7))))))))))))));
    S = fr(1 + fr(s * fr(SA1 + fr(s * fr(SA2 + fr(s * fr(SA3 + fr(s * fr(SA4 + fr(s * fr(SA5 + fr(s * fr(SA6 + fr(s * fr(SA7 + fr(s * SA8))))))))))))))));
  } else {
    R = fr(RB0 + fr(s * fr(RB1 + fr(s * fr(RB2 + fr(s * fr(RB3 + fr(s * fr(RB4 + fr(s * fr(RB5 + fr(s * RB6))))))))))));
    S = fr(1 + fr(s * fr(SB1 + fr(s * fr(SB2 + fr(s * fr(SB3 + fr(s * fr(SB4 + fr(s * fr(SB5 + fr(s * fr(SB6 + fr(s * SB7))))))))))))));
  }
  // z = |x| with the low 12 bits of its binary32 pattern cleared (11 fraction bits kept)
  const sc = ax < 2 ? 2048 : ax < 4 ? 1024 : 512;
  const z = Math.floor(ax * sc) / sc;
  const e1 = expf(fr(fr(-z * z) - F0_5625));
  const e2 = expf(fr(fr(fr(z - ax) * fr(z + ax)) + fr(R / S)));
  const r = fr(e1 * e2);
  return x < 0 ? fr(fr(r / ax) - 1) : fr(1 - fr(r / ax));
}
