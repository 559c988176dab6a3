/**
 * The WebAssembly float32 JSON token writer (src/core/wasm/fmt.wat, compiled by
 * tools/build-wasm.mjs into fmt-wasm.ts): byte-identical to `writeFloat32` of floatfmt.ts and
 * 3-4x faster. One instance per thread (module state), instantiated synchronously on first use
 * (no I/O); its decision tables are filled here from floatfmt.ts's own tables, with shortestF32's
 * expressions, so both writers compare the same doubles.
 *
 * `rowF32Wasm` copies a chunk of bit patterns into the instance's memory, lets it write the
 * tokens (each followed by ','), and copies the bytes out. The instance stops at an element it
 * does not decide itself (a near-tie it cannot resolve exactly, or a parse-back through
 * `Number()`: 24880 of the 2^32 bit patterns, mostly subnormals, none in typical weights);
 * `writeFloat32` writes that element and the instance resumes after it. tools/check-fmt32.mjs compares the two writers over all 2^32 bit
 * patterns; tools/bench-fmt32.mjs measures them.
 */
import { FMT_WASM_BASE64 } from '../wasm/fmt-wasm.js';
import { decodeBase64 } from '../wasm/engine.js';
import { F32_HMAX, F32_Q0, F32_Q0_POW2, P10NEG, shortestDecimal, writeFloat32 } from './floatfmt.js';

/** Minimal typing of the WebAssembly JS API (the project compiles without the DOM lib). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** An exported i32 global (the memory layout of fmt.wat). */
interface Addr { value: number }

interface FmtExports {
  mem: { buffer: ArrayBuffer };
  /**
   * The tokens of the n bit patterns at src, each followed by ',', to dst; returns the number of
   * elements written (n, or the index of the first one left to the JS writer). The i32 at
   * OUT_END is then the end of the bytes written.
   */
  fmt_f32(src: number, n: number, dst: number): number;
  OUT_END: Addr;
  CONST: Addr;
  TAB: Addr;
  TAB_STRIDE: Addr;
  P10: Addr;
  SRC: Addr;
  WORK: Addr;
  DST: Addr;
  CHUNK: Addr;
}

/** A thread's instance and views of its memory (which never grows). */
export interface Fmt32 {
  ex: FmtExports;
  bytes: Uint8Array;
  u32: Uint32Array;
  i32: Int32Array;
  /** byte addresses of the input and output buffers; elements per call at most */
  src: number;
  dst: number;
  chunk: number;
  /** i32 index of OUT_END */
  outEnd: number;
}

/** The decision tables of fmt.wat (layout: its header comment). */
function fillTables(ex: FmtExports, i32: Int32Array, f64: Float64Array): void {
  // the constants of shortestF32's tests, in both lanes, and 2^52 (see CANDS)
  [0.5, 1, 0.4999999, 0.5000001, 2 ** 52, 1e-6].forEach((x, k) => {
    f64[(ex.CONST.value >> 3) + 2 * k] = x;
    f64[(ex.CONST.value >> 3) + 2 * k + 1] = x;
  });
  // per biased exponent: shortestF32's half-gap and q0s, and the scale and the fast bounds of
  // its steps q0 .. q0 + 3, computed as shortestF32 computes them
  for (let be = 0; be < 256; be++) {
    const at = (ex.TAB.value + ex.TAB_STRIDE.value * be) >> 3;
    const hmax = F32_HMAX[be];
    const q0 = F32_Q0[be];
    f64[at] = hmax;
    i32[2 * at + 2] = q0;
    i32[2 * at + 3] = F32_Q0_POW2[be];
    for (let k = 0; k < 4; k++) {
      const s = P10NEG[q0 + k + 400];
      const lim = hmax * s;
      f64[at + 2 + k] = s;
      f64[at + 6 + k] = lim - lim * 1e-6 - 1e-6;
      f64[at + 10 + k] = lim + lim * 1e-6 + 1e-6;
    }
    // fmt.wat drops the "not near a tie" test where lo <= 0.4 (from step q0 + 2 on)
    if (be < 255 && !(f64[at + 8] <= 0.4 && f64[at + 9] <= 0.4)) throw new Error('fmt.wat: a bound of step q0 + 2 is not below 0.4');
    // the digits of the power of two, by shortestF32 itself (0: the instance walks)
    if (be > 1 && be < 255) {
      const { digits, exp } = shortestDecimal('float32', 2 ** (be - 127));
      const c = Number(digits);
      if (c < 1e9) {
        i32[2 * at + 28] = c;
        i32[2 * at + 29] = exp;
      }
    }
  }
  f64.set(P10NEG, ex.P10.value >> 3);
}

function instantiate(): Fmt32 | null {
  const wa = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wa === undefined) return null;
  let ex: FmtExports;
  try {
    ex = new wa.Instance(new wa.Module(decodeBase64(FMT_WASM_BASE64)), {}).exports as unknown as FmtExports;
  } catch {
    return null; // no WebAssembly SIMD128 (the module does not compile): the JS writer
  }
  const buf = ex.mem.buffer;
  const i32 = new Int32Array(buf);
  fillTables(ex, i32, new Float64Array(buf));
  const chunk = ex.CHUNK.value;
  const src = ex.SRC.value;
  const dst = ex.DST.value;
  // input, pass-1 digits, and 20 output bytes per element plus the stores' overrun must fit
  if (src + 4 * chunk > ex.WORK.value || ex.WORK.value + 8 * chunk > dst || dst + 20 * chunk + 64 > buf.byteLength) {
    throw new Error('fmt.wat: memory layout too small');
  }
  return { ex, bytes: new Uint8Array(buf), u32: new Uint32Array(buf), i32, src, dst, chunk, outEnd: ex.OUT_END.value >> 2 };
}

let instance: Fmt32 | null | undefined;

/** This thread's instance, or null where WebAssembly (SIMD128) is missing. */
export function fmt32(): Fmt32 | null {
  if (instance === undefined) instance = instantiate();
  return instance;
}

/**
 * `writeFloat32` of elements [from, end) of d (u: their bit patterns) at p in b, each followed by
 * ','; returns the new p. v is a DataView of b's bytes; the caller guarantees 20 free bytes per
 * element (MAX_ELEMENT_BYTES.float32 + 1), as for the JS writer.
 */
export function rowF32Wasm(F: Fmt32, b: Uint8Array, v: DataView, p: number, d: Float32Array, u: Uint32Array, from: number, end: number): number {
  const { ex, bytes, u32, src, dst, chunk } = F;
  for (let i = from; i < end;) {
    const n = Math.min(chunk, end - i);
    // set() for long runs, a loop for short ones (in short rows a subarray costs more)
    if (n > 16) u32.set(u.subarray(i, i + n), src >> 2);
    else for (let k = 0, s = src >> 2; k < n; k++) u32[s + k] = u[i + k];
    for (let k = 0; ;) {
      const done = ex.fmt_f32(src + 4 * k, n - k, dst);
      const len = F.i32[F.outEnd] - dst;
      if (len > 24) b.set(bytes.subarray(dst, dst + len), p);
      else for (let j = 0; j < len; j++) b[p + j] = bytes[dst + j];
      p += len;
      k += done;
      if (k >= n) break;
      // an element the instance leaves to the JS writer
      p = writeFloat32(b, v, p, d[i + k], u[i + k]);
      b[p++] = 44;
      if (++k >= n) break;
    }
    i += n;
  }
  return p;
}
