/**
 * `tensor.normal_(mean, std)` on CPU (torch-parity §3.2).
 *
 * n < 16 (or a non-contiguous view): the serial path, at::normal_distribution<double> with
 * the Box–Muller cache, then a cast. n ≥ 16 contiguous: n uniforms in the dtype, then blocks of
 * 16 (lane j: radius from 1 − U[j], angle from U[j+8]); a ragged tail re-draws 16 uniforms into
 * the last 16 slots. float32 follows the AVX2 kernel (Cephes log/sincos with torch's FMA
 * placement, exact); float16/bfloat16 use glibc tables (exact); float64 uses V8's libm
 * (tolerance 2^-48·(|mean|+8·std), §6).
 */
import { type FloatDtype, type TensorData, castDouble, fround, rbf16, f16BitsFromF32, bf16BitsFromF32, F16_TO_F32, f32FromBits, bf16ToF32 } from '../dtype.js';
import { TorchError, fmtG } from '../errors.js';
import { fma32, fma64 } from '../rng/fma.js';
import { block32 } from './normal32.js';
import type { TorchGenerator } from '../rng/mt19937.js';
import { LIBM_TABLES } from '../data/libm-tables.js';
import { WASM_ENGINE, normalF32Wasm } from '../wasm/kernels.js';

const TWO_PI = 2 * Math.PI;

export function checkNormal(std: number): void {
  if (!(std >= 0)) throw new TorchError('RuntimeError', `normal expects std >= 0.0, but found std ${fmtG(std)}`);
}

/** One value of at::normal_distribution<double>(0, 1), using and refilling the cache. */
export function standardNormalDouble(gen: TorchGenerator): number {
  const cached = gen.nextDoubleNormal;
  if (cached !== null) {
    gen.nextDoubleNormal = null;
    return cached;
  }
  const u1 = gen.nextUniform53();
  const u2 = gen.nextUniform53();
  const r = Math.sqrt(-2 * Math.log(1 - u2));
  const theta = TWO_PI * u1;
  gen.nextDoubleNormal = r * Math.sin(theta);
  return r * Math.cos(theta);
}

/** Serial path: element k of the result is cast(fma64(z_k, std, mean)). Writes via `put`. */
export function normalSerial(gen: TorchGenerator, dtype: FloatDtype, n: number, mean: number, std: number, put: (i: number, v: number) => void): void {
  for (let i = 0; i < n; i++) put(i, castDouble(dtype, fma64(standardNormalDouble(gen), std, mean)));
}

function block64(o: Float64Array, i: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - o[i + j];
    const u2 = o[i + j + 8];
    const radius = Math.sqrt(-2 * Math.log(u1));
    const theta = TWO_PI * u2;
    o[i + j] = fma64(radius * Math.cos(theta), std, mean);
    o[i + j + 8] = fma64(radius * Math.sin(theta), std, mean);
  }
}

const T16 = LIBM_TABLES.float16;
const RADIUS16 = Float32Array.from(T16.radius_half_bits, (b) => F16_TO_F32[b]);
const THETA16_COS = Float32Array.from(T16.cosf_bits, (b) => f32FromBits(b));
const THETA16_SIN = Float32Array.from(T16.sinf_bits, (b) => f32FromBits(b));
const TB = LIBM_TABLES.bfloat16;
const RADIUSB = Float32Array.from(TB.radius_bf16_bits, bf16ToF32);
const COSB = Float32Array.from(TB.cos_bf16_bits, bf16ToF32);
const SINB = Float32Array.from(TB.sin_bf16_bits, bf16ToF32);

/** float16 block; o holds 11-bit uniform numerators m (U = m/2048) and receives half bits. */
function block16(o: Uint16Array, i: number, M: number, S: number): void {
  for (let j = 0; j < 8; j++) {
    const radius = RADIUS16[2047 - o[i + j]]; // u1 = (2048 − m)/2048, index k − 1
    const m2 = o[i + j + 8];
    o[i + j] = f16BitsFromF32(fma32(fround(radius * THETA16_COS[m2]), S, M));
    o[i + j + 8] = f16BitsFromF32(fma32(fround(radius * THETA16_SIN[m2]), S, M));
  }
}

/** bfloat16 block: every c10 BFloat16 op rounds, so no FMA forms. */
function blockB(o: Uint16Array, i: number, M: number, S: number): void {
  for (let j = 0; j < 8; j++) {
    const radius = RADIUSB[255 - o[i + j]];
    const m2 = o[i + j + 8];
    o[i + j] = bf16BitsFromF32(rbf16(rbf16(radius * COSB[m2]) * S) + M);
    o[i + j + 8] = bf16BitsFromF32(rbf16(rbf16(radius * SINB[m2]) * S) + M);
  }
}

const CHUNK = 4096;
const words = new Int32Array(CHUNK);

/** Store n uniforms at out[start..start+n): values for float32/64, numerators for 16-bit. */
function fillUniforms(gen: TorchGenerator, dtype: FloatDtype, out: TensorData, start: number, n: number, wasm: boolean): void {
  if (dtype === 'float64') {
    const o = out as Float64Array;
    for (let i = 0; i < n; i++) o[start + i] = gen.nextUniform53();
    return;
  }
  const mask = dtype === 'float32' ? 0xffffff : dtype === 'float16' ? 0x7ff : 0xff;
  const scale = dtype === 'float32' ? 5.960464477539063e-8 : 1;
  for (let base = 0; base < n; base += CHUNK) {
    const m = Math.min(CHUNK, n - base);
    if (wasm) gen.fillU32(words, m);
    else gen.fillU32Js(words, m);
    for (let i = 0; i < m; i++) out[start + base + i] = (words[i] & mask) * scale;
  }
}

/**
 * normal_fill: contiguous n ≥ 16. float32 runs in the WebAssembly engine (src/core/wasm) when
 * the platform has SIMD128; the words of the other dtypes come from it too (fillU32).
 */
export function normalFill(gen: TorchGenerator, dtype: FloatDtype, out: TensorData, n: number, mean: number, std: number): void {
  normalFillImpl(gen, dtype, out, n, mean, std, WASM_ENGINE !== null);
}

/** The pure-JS normal_fill: the reference the WebAssembly path is tested against, and its fallback. */
export function normalFillJs(gen: TorchGenerator, dtype: FloatDtype, out: TensorData, n: number, mean: number, std: number): void {
  normalFillImpl(gen, dtype, out, n, mean, std, false);
}

function normalFillImpl(gen: TorchGenerator, dtype: FloatDtype, out: TensorData, n: number, mean: number, std: number, wasm: boolean): void {
  let block: (i: number) => void;
  if (dtype === 'float32') {
    const M = fround(mean), S = fround(std);
    if (wasm) return normalF32Wasm(gen, out as Float32Array, n, M, S);
    block = (i) => block32(out as Float32Array, i, M, S);
  } else if (dtype === 'float64') {
    block = (i) => block64(out as Float64Array, i, mean, std);
  } else if (dtype === 'float16') {
    const M = castDouble(dtype, mean), S = castDouble(dtype, std);
    block = (i) => block16(out as Uint16Array, i, M, S);
  } else {
    const M = castDouble(dtype, mean), S = castDouble(dtype, std);
    block = (i) => blockB(out as Uint16Array, i, M, S);
  }
  fillUniforms(gen, dtype, out, 0, n, wasm);
  for (let i = 0; i + 16 <= n; i += 16) block(i);
  if (n % 16 !== 0) {
    fillUniforms(gen, dtype, out, n - 16, 16, wasm);
    block(n - 16);
  }
}

/** Words normal_fill consumes (n ≥ 16). */
export function normalFillWords(dtype: FloatDtype, n: number): number {
  const w = n + (n % 16 ? 16 : 0);
  return dtype === 'float64' ? 2 * w : w;
}

/** normal_ on a contiguous tensor of n elements, any dtype: picks the path as torch does. */
export function normalKernel(gen: TorchGenerator, dtype: FloatDtype, out: TensorData, n: number, mean: number, std: number): void {
  if (n >= 16) return normalFill(gen, dtype, out, n, mean, std);
  const put = storeFn(dtype, out);
  normalSerial(gen, dtype, n, mean, std, put);
}

/** normalKernel with the pure-JS normal_fill (the reference of the WebAssembly path). */
export function normalKernelJs(gen: TorchGenerator, dtype: FloatDtype, out: TensorData, n: number, mean: number, std: number): void {
  if (n >= 16) return normalFillJs(gen, dtype, out, n, mean, std);
  normalSerial(gen, dtype, n, mean, std, storeFn(dtype, out));
}

/** A writer of already-rounded values into storage (bits for 16-bit types). */
export function storeFn(dtype: FloatDtype, out: TensorData): (i: number, v: number) => void {
  if (dtype === 'float16') return (i, v) => { (out as Uint16Array)[i] = f16BitsFromF32(v); };
  if (dtype === 'bfloat16') return (i, v) => { (out as Uint16Array)[i] = bf16BitsFromF32(v); };
  return (i, v) => { (out as Float32Array | Float64Array)[i] = v; };
}

