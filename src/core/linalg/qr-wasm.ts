/**
 * Driver of the blocked Householder QR in WebAssembly (src/core/wasm/linalg.wat, SIMD128 f64x2):
 * LAPACK's dgeqrf (dgeqr2 panels of NB columns; dlarft + dlarfb for the trailing matrix) and
 * dorgqr (dlarfb of each panel's block reflector on the Q columns to its right, then dorg2r of the
 * panel in place), all in binary64. See linalg.wat for the memory layout.
 *
 * The instance (and its memory) is a per-isolate singleton, created on first use. Its memory grows
 * to fit the largest problem seen; when that exceeds RETAIN_BYTES the instance is dropped after
 * the call, so a rare huge matrix does not pin its memory for the worker's lifetime.
 */
import { LINALG_WASM_BASE64 } from '../wasm/linalg-wasm.js';
import { Aborted } from '../errors.js';
import { decodeBase64 } from '../wasm/engine.js';

/** Minimal typing of the WebAssembly JS API (the project compiles without the DOM lib). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface LinalgExports {
  mem: { buffer: ArrayBuffer; grow(pages: number): number };
  geqr2(a: number, ld: number, j: number, ib: number, tau: number, rdiag: number): void;
  larft(a: number, ld: number, j: number, ib: number, tau: number, t: number, nbp: number): void;
  pack_v(a: number, ld: number, j: number, ib: number, nbp: number, vp: number): void;
  larfb(vp: number, rows: number, nbp: number, m: number, c: number, ldcb: number, nc: number, w: number, w2: number): void;
  org2r(a: number, ld: number, j: number, ib: number, tau: number): void;
}

/** Panel width (a multiple of 4). */
export const NB = 32;
/** Memory kept between calls; a larger one is dropped after its call. */
const RETAIN_BYTES = 96 << 20;
const PAGE = 65536;

let module: object | null | undefined;
let instance: LinalgExports | null = null;

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** The compiled module, or null where WebAssembly or SIMD128 is missing. */
function getModule(): object | null {
  if (module === undefined) {
    const wa = wasmApi();
    const bytes = decodeBase64(LINALG_WASM_BASE64);
    module = wa !== undefined && wa.validate(bytes) ? new wa.Module(bytes) : null;
  }
  return module;
}

/** True where the WebAssembly QR can run. */
export function qrWasmAvailable(): boolean {
  return getModule() !== null;
}

/** An instance whose memory holds at least `bytes`, or null (no WebAssembly, or no memory). */
function getInstance(bytes: number): LinalgExports | null {
  const mod = getModule();
  if (mod === null) return null;
  if (instance === null) instance = new (wasmApi()!).Instance(mod, {}).exports as unknown as LinalgExports;
  const have = instance.mem.buffer.byteLength;
  if (have < bytes) {
    try {
      instance.mem.grow(Math.ceil((bytes - have) / PAGE));
    } catch {
      instance = null; // RangeError: more than the engine will give; the caller falls back to JS
      return null;
    }
  }
  return instance;
}

const align64 = (x: number) => (x + 63) & ~63;

/**
 * Reduced QR of an m×k matrix (m ≥ k ≥ 1). `fill(a, ld)` writes A column-major into `a` (element
 * (r, c) at a[c·ld + r], r < m, c < k; everything else is zero and must stay zero). `read(q, ld,
 * rdiag)` then gets Q in the same layout and the diagonal of R (views of the engine's memory: valid
 * only during the call). Returns { value: read's result }, or null when the engine is unavailable
 * or cannot get the memory (fill is then not called). shouldAbort is polled once per panel in each
 * of the two phases (it throws Aborted).
 */
export function qrWasm<T>(
  m: number, k: number,
  fill: (a: Float64Array, ld: number) => void,
  read: (q: Float64Array, ld: number, rdiag: Float64Array) => T,
  shouldAbort?: () => boolean,
): { value: T } | null {
  const ld = (m + 3) & ~3;
  const kp = (k + 3) & ~3;
  const nb = NB;
  const panels = Math.ceil(k / nb);
  // Layout (bytes): A | tau | rdiag | T per panel | M | W | W2 | packed V (two copies of R×nb,
  // only when there is a trailing matrix: more than one panel)
  const A = 0;
  const TAU = align64(A + 8 * ld * kp);
  const RDIAG = align64(TAU + 8 * kp);
  const T = align64(RDIAG + 8 * kp);
  const M = align64(T + 8 * nb * nb * panels);
  const W = align64(M + 8 * nb * nb);
  const W2 = align64(W + 8 * nb * 4);
  const VP = align64(W2 + 8 * nb * 4);
  const total = VP + (panels > 1 ? 16 * ld * nb : 0);
  if (total > 0xffff0000) return null;
  const ex = getInstance(total);
  if (ex === null) return null;
  try {
    const f64 = new Float64Array(ex.mem.buffer);
    const a = f64.subarray(0, ld * kp);
    // padding rows and columns are zero (the memory may hold an earlier problem)
    if (ld > m) for (let c = 0; c < k; c++) a.fill(0, c * ld + m, (c + 1) * ld);
    a.fill(0, k * ld, kp * ld);
    fill(a, ld);

    // dgeqrf
    for (let p = 0; p < panels; p++) {
      if (shouldAbort && shouldAbort()) throw new Aborted();
      const j = p * nb;
      const ib = Math.min(nb, k - j);
      ex.geqr2(A, ld, j, ib, TAU, RDIAG);
      if (j + ib < k) {
        const t = T + 8 * nb * nb * p;
        const r0 = j & ~3;
        ex.larft(A, ld, j, ib, TAU, t, nb);
        ex.pack_v(A, ld, j, ib, nb, VP);
        // Hᵀ = I − V·Tᵀ·Vᵀ: M = Tᵀ row-major is T column-major
        ex.larfb(VP, ld - r0, nb, t, A + 8 * ((j + ib) * ld + r0), 8 * ld, kp - (j + ib), W, W2);
      }
    }

    // dorgqr
    const tf = f64.subarray(T >> 3, (T >> 3) + nb * nb * panels);
    const mf = f64.subarray(M >> 3, (M >> 3) + nb * nb);
    const jl = (panels - 1) * nb;
    ex.org2r(A, ld, jl, k - jl, TAU);
    for (let p = panels - 2; p >= 0; p--) {
      if (shouldAbort && shouldAbort()) throw new Aborted();
      const j = p * nb;
      const r0 = j & ~3;
      // H = I − V·T·Vᵀ: M = T row-major, the transpose of the stored (column-major) T
      const tb = nb * nb * p;
      for (let r = 0; r < nb; r++) for (let c = 0; c < nb; c++) mf[r * nb + c] = tf[tb + c * nb + r];
      ex.pack_v(A, ld, j, nb, nb, VP);
      ex.larfb(VP, ld - r0, nb, M, A + 8 * ((j + nb) * ld + r0), 8 * ld, kp - (j + nb), W, W2);
      ex.org2r(A, ld, j, nb, TAU);
    }

    return { value: read(a, ld, f64.subarray(RDIAG >> 3, (RDIAG >> 3) + k)) };
  } finally {
    if (ex.mem.buffer.byteLength > RETAIN_BYTES) instance = null;
  }
}
