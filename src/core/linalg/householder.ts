/**
 * Reduced QR of an m×n matrix (m ≥ n) by Householder reflections in binary64, with LAPACK's
 * conventions (dgeqrf/dlarfg: β = −sign(α)·‖x‖, τ = (β−α)/β, v = x/(α−β); dorg2r to form Q).
 * Storage is column-major: column j occupies a[j·m .. j·m+m).
 * Returns Q (column-major, m×n) and the diagonal of R.
 */
export function householderQR(a: Float64Array, m: number, n: number, shouldAbort?: () => boolean): { q: Float64Array; rdiag: Float64Array } {
  const tau = new Float64Array(n);
  const rdiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    if (shouldAbort && (k & 15) === 0 && shouldAbort()) throw new Error('aborted');
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
    a[ck + k] = 1; // implicit v_0 while applying
    const t = tau[k];
    for (let j = k + 1; j < n; j++) {
      const cj = j * m;
      let w = 0;
      for (let i = k; i < m; i++) w += a[ck + i] * a[cj + i];
      w *= t;
      for (let i = k; i < m; i++) a[cj + i] -= w * a[ck + i];
    }
    a[ck + k] = beta;
    rdiag[k] = beta;
  }
  // Form Q = H_0 H_1 … H_{n−1} applied to I[:, :n], backwards (dorg2r).
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    if (shouldAbort && (k & 15) === 0 && shouldAbort()) throw new Error('aborted');
    const t = tau[k];
    if (t === 0) continue;
    const ck = k * m;
    for (let j = k; j < n; j++) {
      const cj = j * m;
      let w = q[cj + k];
      for (let i = k + 1; i < m; i++) w += a[ck + i] * q[cj + i];
      w *= t;
      q[cj + k] -= w;
      for (let i = k + 1; i < m; i++) q[cj + i] -= w * a[ck + i];
    }
  }
  return { q, rdiag };
}
