/**
 * `tensor.uniform_(from, to)` on CPU (torch-parity §3.1). Exact for every dtype.
 *
 * x = (word & (2^d − 1))·2^−d with d = 24/11/8 bits (float32/float16/bfloat16, one word per
 * element) or 53 bits of random64 (float64, two words); out = fma(x, to − from, from) with the
 * bounds first cast to the dtype and, for 16-bit types, to − from rounded to the dtype.
 */
import { type FloatDtype, type TensorData, FMAX, castDouble, fround, rf16, rbf16, f16BitsFromF32, bf16BitsFromF32 } from '../dtype.js';
import { TorchError, fmtG } from '../errors.js';
import { fma32, fma64 } from '../rng/fma.js';
import type { TorchGenerator } from '../rng/mt19937.js';
import { WASM_ENGINE, uniformF32Wasm } from '../wasm/kernels.js';

const TYPE_META: Record<FloatDtype, string> = { float32: 'float', float64: 'double', float16: 'c10::Half', bfloat16: 'c10::BFloat16' };
const SCALAR: Record<FloatDtype, string> = { float32: 'Float', float64: 'Double', float16: 'Half', bfloat16: 'BFloat16' };

/** uniform_'s argument checks, in torch's order; they run even for empty tensors. */
export function checkUniform(dtype: FloatDtype, a: number, b: number): void {
  const hi = FMAX[dtype];
  if (!(a >= -hi && a <= hi)) throw new TorchError('RuntimeError', `from is out of bounds for ${TYPE_META[dtype]}`);
  if (!(b >= -hi && b <= hi)) throw new TorchError('RuntimeError', `to is out of bounds for ${TYPE_META[dtype]}`);
  if (!(a <= b)) throw new TorchError('RuntimeError', `uniform_ expects to return a [from, to) range, but found from=${fmtG(a)} > to=${fmtG(b)}`);
  if (!(b - a <= hi)) {
    throw new TorchError('RuntimeError', `uniform_ expects to-from <= std::numeric_limits<${SCALAR[dtype]}>::max(), but found to=${fmtG(b)} and from=${fmtG(a)} which result in to-from to exceed the limit`);
  }
}

const CHUNK = 4096;
const words = new Int32Array(CHUNK);

/**
 * Fill out[0..n) in C order. Checks are the caller's (checkUniform). float32 runs in the
 * WebAssembly engine (src/core/wasm) when the platform has SIMD128; the words of the other
 * dtypes come from it too (TorchGenerator.fillU32).
 */
export function uniformKernel(gen: TorchGenerator, dtype: FloatDtype, out: TensorData, n: number, a: number, b: number): void {
  uniformImpl(gen, dtype, out, n, a, b, WASM_ENGINE !== null);
}

/** The pure-JS kernel: the reference the WebAssembly path is tested against, and its fallback. */
export function uniformKernelJs(gen: TorchGenerator, dtype: FloatDtype, out: TensorData, n: number, a: number, b: number): void {
  uniformImpl(gen, dtype, out, n, a, b, false);
}

function uniformImpl(gen: TorchGenerator, dtype: FloatDtype, out: TensorData, n: number, a: number, b: number, wasm: boolean): void {
  if (dtype === 'float64') {
    const o = out as Float64Array;
    const r = b - a;
    for (let i = 0; i < n; i++) o[i] = fma64(gen.nextUniform53(), r, a);
    return;
  }
  const F = castDouble(dtype, a);
  const T = castDouble(dtype, b);
  if (dtype === 'float32') {
    const o = out as Float32Array;
    const R = fround(T - F);
    if (wasm) return uniformF32Wasm(gen, o, n, R, F);
    for (let base = 0; base < n; base += CHUNK) {
      const m = Math.min(CHUNK, n - base);
      gen.fillU32Js(words, m);
      for (let i = 0; i < m; i++) o[base + i] = fma32((words[i] & 0xffffff) * 5.960464477539063e-8, R, F);
    }
    return;
  }
  const half = dtype === 'float16';
  const R = half ? rf16(fround(T - F)) : rbf16(fround(T - F));
  const mask = half ? 0x7ff : 0xff;
  const scale = half ? 2 ** -11 : 2 ** -8;
  const toBits = half ? f16BitsFromF32 : bf16BitsFromF32;
  const o = out as Uint16Array;
  for (let base = 0; base < n; base += CHUNK) {
    const m = Math.min(CHUNK, n - base);
    if (wasm) gen.fillU32(words, m);
    else gen.fillU32Js(words, m);
    for (let i = 0; i < m; i++) o[base + i] = toBits(fma32((words[i] & mask) * scale, R, F));
  }
}

/** mt19937 words uniform_ consumes for n elements (to advance without computing). */
export function uniformWords(dtype: FloatDtype, n: number): number {
  return dtype === 'float64' ? 2 * n : n;
}
