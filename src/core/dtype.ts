/**
 * Element types and the exact rounding helpers every kernel uses.
 *
 * Float tensors are carried in their storage form: float32 → Float32Array, float64 →
 * Float64Array, float16/bfloat16 → Uint16Array of IEEE bit patterns, int64 → BigInt64Array.
 * All conversions follow torch-parity §1.3: a double reaches a 16-bit type through binary32
 * first (`f16(f32(x))`), because c10::Half and c10::BFloat16 only have a float constructor.
 */
export const FLOAT_DTYPES = ['float32', 'float64', 'float16', 'bfloat16'] as const;
export type FloatDtype = (typeof FLOAT_DTYPES)[number];
export type Dtype = FloatDtype | 'int64';
export const ALL_DTYPES: readonly Dtype[] = [...FLOAT_DTYPES, 'int64'];

export type TensorData = Float32Array | Float64Array | Uint16Array | BigInt64Array;

export interface Tensor {
  dtype: Dtype;
  shape: number[];
  data: TensorData;
}

export const BYTES: Record<Dtype, number> = { float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8 };

/** Largest finite value of each float dtype (lowest is its negation). */
export const FMAX: Record<FloatDtype, number> = {
  float32: 3.4028234663852886e38,
  float64: Number.MAX_VALUE,
  float16: 65504,
  bfloat16: 3.3895313892515355e38,
};

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function allocate(dtype: Dtype, n: number): TensorData {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int64': return new BigInt64Array(n);
    default: return new Uint16Array(n);
  }
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);
export const fround = Math.fround;

export function f32Bits(x: number): number {
  f32buf[0] = x;
  return u32buf[0];
}

export function f32FromBits(u: number): number {
  u32buf[0] = u;
  return f32buf[0];
}

/** binary32 → float16 bits, IEEE round-to-nearest-even with subnormals, overflow to ±inf. */
export function f16BitsFromF32(x: number): number {
  f32buf[0] = x;
  const u = u32buf[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  const mant = u & 0x7fffff;
  if (exp === 0xff) return mant ? sign | 0x7e00 | (mant >>> 13) : sign | 0x7c00;
  if (exp >= 143) return sign | 0x7c00; // |x| >= 2^16: inf
  if (exp >= 113) {
    // normal half (exponent -14..15): keep 10 bits, round on the 13 dropped ones
    let h = ((exp - 112) << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++;
    return sign | h; // a carry may reach 0x7c00 = inf, as IEEE wants
  }
  if (exp < 102) return sign; // below 2^-25: rounds to zero
  const m = mant | 0x800000;
  const shift = 126 - exp; // 14..24
  let q = m >>> shift;
  const rem = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rem > half || (rem === half && (q & 1))) q++;
  return sign | q;
}

/** float16 bits → value, through a 64 Ki table built once. */
export const F16_TO_F32 = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >>> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0) t[h] = s * m * 2 ** -24;
    else if (e === 31) t[h] = m ? NaN : s * Infinity;
    else t[h] = s * (1024 + m) * 2 ** (e - 25);
  }
  return t;
})();

/** binary32 → bfloat16 bits (torch's round-to-nearest-even; NaN → 0x7FC0). */
export function bf16BitsFromF32(x: number): number {
  if (x !== x) return 0x7fc0;
  f32buf[0] = x;
  const u = u32buf[0];
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

export function bf16ToF32(b: number): number {
  u32buf[0] = b << 16;
  return f32buf[0];
}

/** Round a binary32 value to the nearest float16 value (returned as a number). */
export function rf16(x: number): number {
  return F16_TO_F32[f16BitsFromF32(x)];
}

/** Round a binary32 value to the nearest bfloat16 value. */
export function rbf16(x: number): number {
  return bf16ToF32(bf16BitsFromF32(x));
}

/** static_cast<scalar_t>(double): the value as the dtype holds it (double rounding for 16-bit). */
export function castDouble(dtype: FloatDtype, x: number): number {
  switch (dtype) {
    case 'float64': return x;
    case 'float32': return fround(x);
    case 'float16': return rf16(fround(x));
    case 'bfloat16': return rbf16(fround(x));
  }
}

/** Storage bits/value of an already-rounded value of the dtype. */
export function storeBits(dtype: 'float16' | 'bfloat16', v: number): number {
  return dtype === 'float16' ? f16BitsFromF32(v) : bf16BitsFromF32(v);
}

/** Read element i of a float tensor as a number (16-bit types decoded). */
export function readFloat(dtype: FloatDtype, data: TensorData, i: number): number {
  switch (dtype) {
    case 'float16': return F16_TO_F32[(data as Uint16Array)[i]];
    case 'bfloat16': return bf16ToF32((data as Uint16Array)[i]);
    default: return (data as Float32Array | Float64Array)[i];
  }
}

/** Little-endian bytes of a tensor's storage (x86/ARM hosts are little-endian). */
export function tensorBytes(t: { data: TensorData }): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/**
 * `tensor.to(dtype)` for a float tensor (int64 tensors are left alone, as Module.to does):
 * one IEEE round-to-nearest-even from the stored value. Presets are float32, so a 16-bit
 * target is a single binary32 → 16-bit rounding; a float64 source would round twice here.
 */
export function castTensor<T extends { dtype: Dtype; shape: number[]; data: TensorData }>(t: T, to: FloatDtype): T {
  if (t.dtype === 'int64' || t.dtype === to) return t;
  const from = t.dtype;
  const n = t.data.length;
  const out = allocate(to, n);
  for (let i = 0; i < n; i++) {
    const v = readFloat(from, t.data, i);
    if (to === 'float16') (out as Uint16Array)[i] = f16BitsFromF32(v);
    else if (to === 'bfloat16') (out as Uint16Array)[i] = bf16BitsFromF32(v);
    else (out as Float32Array | Float64Array)[i] = v;
  }
  return { ...t, dtype: to, data: out };
}
