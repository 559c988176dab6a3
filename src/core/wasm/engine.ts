/**
 * The WebAssembly (SIMD128) engine: src/core/wasm/kernels.wat, compiled by tools/build-wasm.mjs
 * into kernels-wasm.ts and instantiated synchronously here at module load (no I/O).
 *
 * `ENGINE` is null where WebAssembly or its SIMD128 proposal is missing (feature detection:
 * the module does not validate); the kernels then use their JS reference paths. The engine is a
 * per-isolate singleton (each worker thread has its own) holding ONE mt19937 state: a
 * TorchGenerator copies its state in around each bulk call (TorchGenerator.inEngine), so the
 * generator object stays the single source of truth for the stream.
 */
import { KERNELS_WASM_BASE64 } from './kernels-wasm.js';
import { FUSED_WASM_BASE64 } from './fused-wasm.js';

/** Minimal typing of the WebAssembly JS API (the project compiles without the DOM lib). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

export interface KernelExports {
  mem: { buffer: ArrayBuffer };
  /** n tempered words to byte address dst (TorchGenerator.fillU32 semantics). */
  fill_words(dst: number, n: number): void;
  /** n float32 uniform_ values to dst; rs = R·2^-24; exact: every x·R + F is exact in binary64. */
  uniform_f32(dst: number, n: number, rs: number, f: number, exact: number): void;
  /** n (multiple of 16) float32 normal_fill values to dst; exact: p·S + M is exact in binary64. */
  normal_f32(dst: number, n: number, mean: number, std: number, exact: number): void;
  /** uniform_f32 without drawing: transforms the n words already at dst. */
  uniform_f32_words(dst: number, n: number, rs: number, f: number, exact: number): void;
  /** normal_f32 without drawing: transforms the n words already at dst. */
  normal_f32_words(dst: number, n: number, mean: number, std: number, exact: number): void;
  /** Advance the stream by n words without producing them (twists only). */
  skip_words(n: number): void;
  /** state := g(A)·state for the jump polynomial at byte address poly (a twisted block). */
  jump_state(poly: number): void;
}

/** fused.wat: the float32 transforms with a hardware FMA (same bits as the exact ones). */
export interface FusedExports {
  probe(): void;
  /** uniform_f32_words with r = R, f = F (binary32 values). */
  uniform_f32_words_fma(dst: number, n: number, r: number, f: number): void;
  /** normal_f32_words with mean = M, std = S (binary32 values). */
  normal_f32_words_fma(dst: number, n: number, mean: number, std: number): void;
}

export interface Engine {
  ex: KernelExports;
  /** the FMA transforms, where relaxed SIMD validates and its madd is fused on this host */
  fused: FusedExports | null;
  /** views of the whole memory (it never grows, so they stay attached) */
  i32: Int32Array;
  u32: Uint32Array;
  f32: Float32Array;
}

/** Byte offset of the 624 state words (word 624 is scratch for the twist). */
export const STATE_OFFSET = 0;
/** Word indices of the engine's copies of TorchGenerator's left and next, and of the flag every
 * twist sets to 1 (the state words then have to be copied back). */
export const LEFT_INDEX = 628;
export const NEXT_INDEX = 629;
export const TWISTED_INDEX = 630;
/** Byte offset of the output buffer. */
export const BUF_OFFSET = 4096;
/** Elements per bulk call: 32 KiB of output, a multiple of 16 (normal blocks) and of 4 (lanes). */
export const CHUNK = 8192;

/** The bytes of a generated *-wasm.ts module (base64). */
export function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function instantiate(): Engine | null {
  const wa = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wa === undefined) return null;
  const bytes = decodeBase64(KERNELS_WASM_BASE64);
  if (!wa.validate(bytes)) return null; // no SIMD128
  const ex = new wa.Instance(new wa.Module(bytes), {}).exports as unknown as KernelExports;
  const buf = ex.mem.buffer;
  if (buf.byteLength < BUF_OFFSET + 4 * (CHUNK + 16)) throw new Error('kernels.wat: memory too small');
  const f32 = new Float32Array(buf);
  return { ex, fused: instantiateFused(wa, ex, f32), i32: new Int32Array(buf), u32: new Uint32Array(buf), f32 };
}

/**
 * fused.wat over the kernels' memory, or null: where relaxed SIMD is off (Node 20 without
 * --experimental-wasm-relaxed-simd, see src/v8-flags.ts) the module does not validate, and
 * where relaxed_madd is not a single rounding on this host (no FMA unit) the probe shows it:
 * (1 + 2^-23)(1 − 2^-23) − 1 is −2^-46 fused and 0 unfused. Either way the exact kernels run.
 */
function instantiateFused(wa: WasmApi, ex: KernelExports, f32: Float32Array): FusedExports | null {
  const bytes = decodeBase64(FUSED_WASM_BASE64);
  if (!wa.validate(bytes)) return null;
  const fx = new wa.Instance(new wa.Module(bytes), { k: { mem: ex.mem } }).exports as unknown as FusedExports;
  const saved = f32.slice(0, 16);
  f32.fill(1 + 2 ** -23, 0, 4);
  f32.fill(1 - 2 ** -23, 4, 8);
  f32.fill(-1, 8, 12);
  fx.probe();
  const fused = f32.subarray(12, 16).every((v) => v === -(2 ** -46));
  f32.set(saved, 0);
  return fused ? fx : null;
}

/**
 * Whether the drivers use the fused transforms when they exist (tests turn it off to run the
 * exact kernels on the same inputs; both give the same bits).
 */
export const FUSED_SWITCH = { on: true };

export const ENGINE: Engine | null = instantiate();

/** out[at, at + m) = view[BUF_OFFSET/4, … + m): set() for long runs, a loop for short ones. */
export function copyOut<T extends Float32Array | Int32Array | Uint32Array>(view: T, out: T, at: number, m: number): void {
  const b = BUF_OFFSET >> 2;
  if (m > 48) {
    out.set(view.subarray(b, b + m), at);
  } else {
    for (let i = 0; i < m; i++) out[at + i] = view[b + i];
  }
}
