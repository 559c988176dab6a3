/**
 * Drivers of the WebAssembly float32 kernels (src/core/wasm/kernels.wat): uniform_ and the
 * normal_fill blocks. They produce the same bits, consume the same words and leave the generator
 * in the same state as the JS reference kernels (uniformKernelJs / normalFillJs), in chunks of
 * CHUNK elements computed in the engine's buffer and copied into the caller's array.
 */
import { ENGINE, BUF_OFFSET, CHUNK, FUSED_SWITCH, copyOut, type Engine, type KernelExports } from './engine.js';
import type { TorchGenerator } from '../rng/mt19937.js';

/** The engine, or null where WebAssembly SIMD128 is missing (the JS kernels are used then). */
export const WASM_ENGINE: Engine | null = ENGINE;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer); // [lo, hi] on little-endian hosts
const f32 = new Float32Array(1);
const f32u = new Uint32Array(f32.buffer);

/** 2^k for an integer k in [−1022, 1023], built from its bits (exact). */
function pow2(k: number): number {
  u32[0] = 0;
  u32[1] = (k + 1023) << 20;
  return f64[0];
}

/** Exponent of the last significand bit of a nonzero binary32 value. */
function unitExp(x: number): number {
  f32[0] = x;
  const be = (f32u[0] >>> 23) & 0xff;
  return be === 0 ? -149 : be - 150;
}

/**
 * True iff x·R + F is exact in binary64 for every x = k·2^-24, 0 ≤ k < 2^24 (R, F binary32
 * values). Then fma32(x, R, F) is a single rounding of that binary64 sum. Every sum is a multiple
 * of q = min(2^unitExp(R)·2^-24, 2^unitExp(F)) below |R| + |F| in magnitude; such a number is a
 * binary64 when it is below 2^53·q (q ≥ 2^-173, far from binary64 subnormals). The rounded
 * |R| + |F| < 2^53·q implies the exact one is (2^53·q is a binary64 and rounding is monotone).
 */
export function uniformSumsExact(R: number, F: number): boolean {
  if (R === 0) return true; // every sum is 0·… + F = F (or ±0 + ±0)
  let qe = unitExp(R) - 24;
  if (F !== 0) qe = Math.min(qe, unitExp(F));
  return Math.abs(R) + Math.abs(F) < pow2(53 + qe);
}

/**
 * float32 uniform_ of n elements with F = f32(from), R = f32(f32(to) − F): out = fma32(x, R, F).
 * `exact` (tests force false to exercise the general path) skips the midpoint detection.
 */
export function uniformF32Wasm(gen: TorchGenerator, out: Float32Array, n: number, R: number, F: number, exact = uniformSumsExact(R, F)): void {
  const e = WASM_ENGINE!;
  const rs = R * 5.960464477539063e-8; // R·2^-24, exact
  const ex01 = exact ? 1 : 0;
  const fx = FUSED_SWITCH.on ? e.fused : null;
  gen.inEngine(e, (ex) => {
    for (let base = 0; base < n; base += CHUNK) {
      const m = Math.min(CHUNK, n - base);
      if (fx) {
        ex.fill_words(BUF_OFFSET, m);
        fx.uniform_f32_words_fma(BUF_OFFSET, m, R, F);
      } else ex.uniform_f32(BUF_OFFSET, m, rs, F, ex01);
      copyOut(e.f32, out, base, m);
    }
  });
}

/**
 * float32 normal_fill (n ≥ 16) with M = f32(mean), S = f32(std). The full blocks are drawn and
 * transformed chunk by chunk (a block only reads its own 16 uniforms). A ragged tail: the n % 16
 * uniforms drawn for it are overwritten in torch, so they are drawn and dropped; then 16 new
 * words make the last block, written to out[n−16, n). `exact` (p·S + M exact in binary64) holds
 * for M = ±0 or S = 0; tests force false to exercise the general path.
 */
export function normalF32Wasm(gen: TorchGenerator, out: Float32Array, n: number, M: number, S: number, exact = M === 0 || S === 0): void {
  const e = WASM_ENGINE!;
  const ex01 = exact ? 1 : 0;
  const full = n - (n % 16);
  const fx = FUSED_SWITCH.on ? e.fused : null;
  const block = (ex: KernelExports, m: number): void => {
    if (fx) {
      ex.fill_words(BUF_OFFSET, m);
      fx.normal_f32_words_fma(BUF_OFFSET, m, M, S);
    } else ex.normal_f32(BUF_OFFSET, m, M, S, ex01);
  };
  gen.inEngine(e, (ex) => {
    for (let base = 0; base < full; base += CHUNK) {
      const m = Math.min(CHUNK, full - base);
      block(ex, m);
      copyOut(e.f32, out, base, m);
    }
    if (full !== n) {
      ex.fill_words(BUF_OFFSET, n - full);
      block(ex, 16);
      copyOut(e.f32, out, n - 16, 16);
    }
  });
}

