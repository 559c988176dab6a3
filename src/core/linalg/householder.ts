/**
 * Reduced QR of an m×n matrix (m ≥ n) by Householder reflections in binary64, with LAPACK's
 * conventions (dgeqrf/dlarfg: β = −sign(α)·‖x‖, τ = (β−α)/β, v = x/(α−β); dorgqr to form Q).
 *
 * householderQRWith / householderQR run the blocked WebAssembly version (./qr-wasm.ts: dgeqrf and
 * dorgqr with panels, compact-WY block reflectors and f64x2 kernels); where WebAssembly SIMD128
 * is missing they run householderQRReference, the unblocked JS algorithm (dgeqr2 + dorg2r). The
 * two differ only by rounding (within 1e-13 on Q: test/core/linalg.test.ts); the blocked one is
 * the more accurate (see the note at the top of linalg.wat).
 */
import { Aborted } from '../errors.js';
import { qrWasm } from './qr-wasm.js';

/** c[cj..] −= τ·(vᵀc)·v over rows lo..m−1 for columns j0..j1−1 (v at a[ck+lo..], v[lo] = vlo). */
function applyReflector(v: Float64Array, vOff: number, vlo: number, c: Float64Array, m: number, lo: number, j0: number, j1: number, tau: number): void {
  let j = j0;
  for (; j + 4 <= j1; j += 4) {
    const c0 = j * m, c1 = c0 + m, c2 = c1 + m, c3 = c2 + m;
    let w0 = vlo * c[c0 + lo], w1 = vlo * c[c1 + lo], w2 = vlo * c[c2 + lo], w3 = vlo * c[c3 + lo];
    for (let i = lo + 1; i < m; i++) {
      const vi = v[vOff + i];
      w0 += vi * c[c0 + i];
      w1 += vi * c[c1 + i];
      w2 += vi * c[c2 + i];
      w3 += vi * c[c3 + i];
    }
    w0 *= tau; w1 *= tau; w2 *= tau; w3 *= tau;
    c[c0 + lo] -= w0 * vlo; c[c1 + lo] -= w1 * vlo; c[c2 + lo] -= w2 * vlo; c[c3 + lo] -= w3 * vlo;
    for (let i = lo + 1; i < m; i++) {
      const vi = v[vOff + i];
      c[c0 + i] -= w0 * vi;
      c[c1 + i] -= w1 * vi;
      c[c2 + i] -= w2 * vi;
      c[c3 + i] -= w3 * vi;
    }
  }
  for (; j < j1; j++) {
    const cj = j * m;
    let w = vlo * c[cj + lo];
    for (let i = lo + 1; i < m; i++) w += v[vOff + i] * c[cj + i];
    w *= tau;
    c[cj + lo] -= w * vlo;
    for (let i = lo + 1; i < m; i++) c[cj + i] -= w * v[vOff + i];
  }
}

/**
 * The unblocked reference (dgeqr2 + dorg2r) in JS. Storage is column-major: column j occupies
 * a[j·m .. j·m+m); a is overwritten (R above the diagonal, the reflectors below). Reflections are
 * applied to four columns at a time so each pass over v serves four dot products.
 * Returns Q (column-major, m×n) and the diagonal of R.
 */
export function householderQRReference(a: Float64Array, m: number, n: number, shouldAbort?: () => boolean): { q: Float64Array; rdiag: Float64Array } {
  const tau = new Float64Array(n);
  const rdiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    if (shouldAbort && (k & 15) === 0 && shouldAbort()) throw new Aborted();
    const ck = k * m;
    const alpha = a[ck + k];
    let ss = 0;
    for (let i = k + 1; i < m; i++) ss += a[ck + i] * a[ck + i];
    if (ss === 0) {
      tau[k] = 0;
      rdiag[k] = alpha;
      continue;
    }
    const norm = Math.sqrt(alpha * alpha + ss);
    const beta = alpha >= 0 ? -norm : norm;
    tau[k] = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = k + 1; i < m; i++) a[ck + i] *= scale;
    applyReflector(a, ck, 1, a, m, k, k + 1, n, tau[k]);
    a[ck + k] = beta;
    rdiag[k] = beta;
  }
  // Q = H_0 H_1 … H_{n−1} applied to I[:, :n], accumulated backwards (dorg2r).
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    if (shouldAbort && (k & 15) === 0 && shouldAbort()) throw new Aborted();
    if (tau[k] === 0) continue;
    applyReflector(a, k * m, 1, q, m, k, k, n, tau[k]);
  }
  return { q, rdiag };
}

/**
 * Reduced QR of an m×n matrix (m ≥ n ≥ 1) without copies: `fill(a, ld)` writes A column-major
 * (element (r, c) at a[c·ld + r], ld ≥ m): every element with r < m, c < n, and nothing else (the
 * rest of the buffer is zero and must stay so). `read(q, ld, rdiag)` then receives Q in the same
 * layout and the diagonal of R. Both buffers are only valid during the call. shouldAbort is
 * polled once per panel of the factorization and of the formation of Q (it throws Aborted).
 */
export function householderQRWith<T>(
  m: number, n: number,
  fill: (a: Float64Array, ld: number) => void,
  read: (q: Float64Array, ld: number, rdiag: Float64Array) => T,
  shouldAbort?: () => boolean,
): T {
  if (!(m >= n && n >= 1)) throw new RangeError(`householderQR: need m >= n >= 1, got ${m}x${n}`);
  const r = qrWasm(m, n, fill, read, shouldAbort);
  if (r !== null) return r.value;
  const a = new Float64Array(m * n);
  fill(a, m);
  const { q, rdiag } = householderQRReference(a, m, n, shouldAbort);
  return read(q, m, rdiag);
}

/**
 * Reduced QR of the column-major m×n matrix a (m ≥ n ≥ 1; a is not modified). Returns Q
 * (column-major, m×n) and the diagonal of R.
 */
export function householderQR(a: Float64Array, m: number, n: number, shouldAbort?: () => boolean): { q: Float64Array; rdiag: Float64Array } {
  return householderQRWith(m, n, (w, ld) => {
    if (ld === m) w.set(a.subarray(0, m * n));
    else for (let c = 0; c < n; c++) w.set(a.subarray(c * m, c * m + m), c * ld);
  }, (q, ld, rdiag) => {
    const out = new Float64Array(m * n);
    if (ld === m) out.set(q.subarray(0, m * n));
    else for (let c = 0; c < n; c++) out.set(q.subarray(c * ld, c * ld + m), c * m);
    return { q: out, rdiag: Float64Array.from(rdiag) };
  }, shouldAbort);
}
