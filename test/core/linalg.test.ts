// The blocked WebAssembly Householder QR (src/core/linalg/qr-wasm.ts, src/core/wasm/linalg.wat)
// behind orthogonal_: the generated module's freshness; Q orthonormal, A = Q·R with R upper
// triangular, LAPACK's signs; agreement with the unblocked JS reference (householderQRReference)
// to 1e-13; zero columns (R[j,j] = 0, so orthogonal_'s sign(0) zeroes the column, as in torch);
// cancellation; and the orthogonal scheme's shapes (1×1, 1×n, n×1, tall, wide, 4-D).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { householderQR, householderQRReference, householderQRWith } from '../../src/core/linalg/householder.js';
import { qrWasmAvailable, NB } from '../../src/core/linalg/qr-wasm.js';
import { initTensor } from '../../src/core/program.js';
import { Aborted } from '../../src/core/errors.js';
import { prng } from '../helpers/prng.js';


/** A column-major m×n matrix of standard normal entries (Box–Muller). */
function gaussian(m: number, n: number, seed: number): Float64Array {
  const rnd = prng(seed);
  const a = new Float64Array(m * n);
  for (let i = 0; i < a.length; i++) a[i] = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  return a;
}

/** max |QᵀQ − I| for the column-major m×n Q. */
function orthoError(q: Float64Array, m: number, n: number): number {
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += q[i * m + r] * q[j * m + r];
      e = Math.max(e, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return e;
}

/**
 * R = QᵀA (n×n, column-major) and the checks of A = Q·R: the largest |R[i,j]| below the
 * diagonal, the largest |R[j,j] − rdiag[j]| and max |A − Q·triu(R)|, each relative to max |A|.
 */
function factorErrors(a: Float64Array, q: Float64Array, rdiag: Float64Array, m: number, n: number): { lower: number; diag: number; recon: number; r: Float64Array } {
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += q[i * m + k] * a[j * m + k];
      r[j * n + i] = s;
    }
  }
  let amax = 0;
  for (const x of a) amax = Math.max(amax, Math.abs(x));
  amax ||= 1;
  let lower = 0, diag = 0, recon = 0;
  for (let j = 0; j < n; j++) {
    diag = Math.max(diag, Math.abs(r[j * n + j] - rdiag[j]));
    for (let i = j + 1; i < n; i++) lower = Math.max(lower, Math.abs(r[j * n + i]));
  }
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < m; k++) {
      let s = 0;
      for (let i = 0; i <= j; i++) s += q[i * m + k] * r[j * n + i];
      recon = Math.max(recon, Math.abs(a[j * m + k] - s));
    }
  }
  return { lower: lower / amax, diag: diag / amax, recon: recon / amax, r };
}

const maxAbsDiff = (x: ArrayLike<number>, y: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
};

t.test('the committed linalg-wasm.ts is what tools/build-wasm.mjs makes of linalg.wat', async (t) => {
  const build = (await import('../../tools/build-wasm.mjs' as string)) as { generatedLinalgSource(): Promise<string>; LINALG_OUT_PATH: string };
  t.equal(readFileSync(build.LINALG_OUT_PATH, 'utf8'), await build.generatedLinalgSource(), 'run node tools/build-wasm.mjs');
});

t.test('the WebAssembly QR is available (SIMD128 is on by default since Node 16.4)', async (t) => {
  t.ok(qrWasmAvailable());
});

// shapes around the panel width and the multiple-of-4 padding, tall and square
const SHAPES: Array<[number, number]> = [
  [1, 1], [2, 1], [7, 1], [2, 2], [3, 3], [5, 3], [8, 8], [9, 4], [27, 27], [64, 27],
  [NB - 1, NB - 1], [NB, NB], [NB + 1, NB + 1], [NB + 1, NB], [3 * NB + 2, 2 * NB + 1],
  [100, 37], [130, 130], [257, 129], [256, 256], [300, 300],
];

t.test('Q is orthonormal and A = Q·R with R upper triangular, diag(R) = rdiag', async (t) => {
  let bad = '';
  for (const [m, n] of SHAPES) {
    const a = gaussian(m, n, m * 7919 + n);
    const a0 = a.slice();
    const { q, rdiag } = householderQR(a, m, n);
    if (maxAbsDiff(a, a0) !== 0) bad ||= `${m}x${n}: input modified`;
    const oe = orthoError(q, m, n);
    const { lower, diag, recon } = factorErrors(a, q, rdiag, m, n);
    if (!(oe < 1e-13 && lower < 1e-13 && diag < 1e-13 && recon < 1e-13)) bad ||= `${m}x${n}: ortho ${oe} lower ${lower} diag ${diag} recon ${recon}`;
  }
  t.equal(bad, '', 'all shapes');
});

t.test('LAPACK signs: R[j,j] = −sign(α)·‖x‖, so Q·diag(sign(rdiag)) has R with a positive diagonal', async (t) => {
  let bad = '';
  for (const [m, n] of [[1, 1], [6, 1], [40, 40], [256, 256], [257, 129]] as Array<[number, number]>) {
    for (const seed of [1, 2, 3]) {
      const a = gaussian(m, n, seed * 101 + m);
      if (m === 1) a[0] = seed === 1 ? 2.5 : -0.75; // 1×1: no reflector (τ = 0), R = A, Q = 1
      const { q, rdiag } = householderQR(a, m, n);
      if (m === 1 && (q[0] !== 1 || rdiag[0] !== a[0])) bad ||= `1x1: q ${q[0]} rdiag ${rdiag[0]}`;
      // dlarfg: β has the sign opposite to α = the pivot entry of the reflected column, so the
      // first one is −sign(A[0,0])·‖A[:,0]‖
      if (m > 1) {
        let nrm = 0;
        for (let r = 0; r < m; r++) nrm += a[r] * a[r];
        const want = (a[0] >= 0 ? -1 : 1) * Math.sqrt(nrm);
        if (Math.abs(rdiag[0] - want) > 1e-13 * Math.abs(want)) bad ||= `${m}x${n}: rdiag[0] ${rdiag[0]} want ${want}`;
      }
      const qs = q.slice();
      for (let j = 0; j < n; j++) {
        const s = rdiag[j] > 0 ? 1 : rdiag[j] < 0 ? -1 : 0;
        for (let r = 0; r < m; r++) qs[j * m + r] *= s;
      }
      const { r } = factorErrors(a, qs, rdiag.map(Math.abs), m, n);
      for (let j = 0; j < n; j++) if (!(r[j * n + j] > 0)) bad ||= `${m}x${n} seed ${seed}: (QᵀA)[${j},${j}] = ${r[j * n + j]}`;
    }
  }
  t.equal(bad, '', 'signs');
});

t.test('equals the unblocked JS reference within 1e-13 (and padding left by earlier problems is cleared)', async (t) => {
  let worstQ = 0, worstR = 0, where = '';
  // alternate big and small problems so the engine memory holds stale data from the previous one
  const order: Array<[number, number]> = [];
  for (const s of SHAPES) order.push(s, [300, 300]);
  // (1024² vs the JS reference costs ~2.5 s: bench/ and tools/crosscheck cover that size)
  order.push([37, 13], [513, 257], [5, 5], [4000, 1], [2000, 40], [3001, 3], [2000, 33]);
  for (const [m, n] of order) {
    for (const seed of m * n > 50_000 ? [11] : [11, 12]) {
      const a = gaussian(m, n, seed * 1009 + m * 31 + n);
      const fast = householderQR(a, m, n);
      const ref = householderQRReference(a.slice(), m, n);
      const dq = maxAbsDiff(fast.q, ref.q);
      let dr = 0;
      for (let j = 0; j < n; j++) dr = Math.max(dr, Math.abs(fast.rdiag[j] - ref.rdiag[j]));
      if (dq > worstQ) { worstQ = dq; where = `${m}x${n}`; }
      worstR = Math.max(worstR, dr);
    }
  }
  t.ok(worstQ <= 1e-13, `max |ΔQ| = ${worstQ} (${where})`);
  t.ok(worstR <= 1e-12, `max |Δ rdiag| = ${worstR}`);
});

t.test('rank-deficient: a zero column gives R[j,j] = 0 (orthogonal_ then zeroes Q[:, j], like torch)', async (t) => {
  for (const [m, n, zero] of [[6, 4, 0], [6, 4, 2], [6, 4, 3], [1, 1, 0], [80, 70, 33], [80, 70, 69]] as Array<[number, number, number]>) {
    const a = gaussian(m, n, m + n + zero);
    a.fill(0, zero * m, zero * m + m);
    const fast = householderQR(a, m, n);
    const ref = householderQRReference(a.slice(), m, n);
    t.equal(Math.abs(fast.rdiag[zero]), 0, `${m}x${n} column ${zero}: rdiag = 0`);
    t.equal(Math.abs(ref.rdiag[zero]), 0, `${m}x${n} column ${zero}: reference rdiag = 0`);
    t.ok(maxAbsDiff(fast.q, ref.q) <= 1e-13, `${m}x${n} column ${zero}: Q as the reference`);
    t.ok(orthoError(fast.q, m, n) < 1e-13, `${m}x${n} column ${zero}: Q still orthonormal`);
  }
});

t.test('householderQRWith: leading dimension, zero padding, read sees Q in place', async (t) => {
  const m = 10, n = 3;
  const a = gaussian(m, n, 5);
  // leave stale values in the engine's memory first
  householderQR(gaussian(40, 40, 6), 40, 40);
  let seenLd = 0, zeroed = true;
  const q = householderQRWith(m, n, (buf, ld) => {
    seenLd = ld;
    for (let i = 0; i < buf.length; i++) if (buf[i] !== 0 && !(i % ld < m && i / ld < n)) zeroed = false;
    for (let c = 0; c < n; c++) for (let r = 0; r < m; r++) buf[c * ld + r] = a[c * m + r];
  }, (qb, ld) => {
    const out = new Float64Array(m * n);
    for (let c = 0; c < n; c++) for (let r = 0; r < m; r++) out[c * m + r] = qb[c * ld + r];
    return out;
  });
  t.ok(seenLd >= m, `ld ${seenLd} ≥ m`);
  t.ok(zeroed, 'fill gets a buffer that is zero outside the m×n matrix');
  t.ok(maxAbsDiff(q, householderQRReference(a.slice(), m, n).q) <= 1e-14);
  t.throws(() => householderQRWith(3, 4, () => {}, () => 0), RangeError, 'm < n is refused');
});

t.test('cancellation: shouldAbort is polled per panel and throws Aborted; the engine still works after', async (t) => {
  const m = 8 * NB, n = 8 * NB;
  const a = gaussian(m, n, 77);
  let polls = 0;
  householderQR(a, m, n, () => { polls++; return false; });
  t.ok(polls >= 8, `polled ${polls} times for 8 panels`);
  for (const at of [1, 5, 12]) {
    let k = 0;
    t.throws(() => householderQR(a, m, n, () => ++k >= at), Aborted, `abort at poll ${at}`);
  }
  const ok = householderQR(a, m, n);
  t.ok(maxAbsDiff(ok.q, householderQRReference(a.slice(), m, n).q) <= 1e-13, 'a later run is right');
});

t.test('orthogonal_: 1×1, 1×n, n×1, tall, wide and 4-D outputs are (semi-)orthogonal', async (t) => {
  const shapes = [[1, 1], [1, 7], [7, 1], [1, 100], [100, 1], [5, 3], [3, 5], [64, 3, 3, 3], [3, 64], [256, 256], [40, 300], [300, 40]];
  for (const shape of shapes) {
    for (const dtype of ['float64', 'float32'] as const) {
      const rows = shape[0], cols = shape.slice(1).reduce((x, y) => x * y, 1);
      const { data } = initTensor(3n, 'orthogonal', shape, dtype, { gain: 1 });
      const x = data as Float32Array | Float64Array;
      // the orthonormal side: columns when rows ≥ cols, rows otherwise
      const tall = rows >= cols;
      const k = tall ? cols : rows, len = tall ? rows : cols;
      const at = (v: number, i: number) => (tall ? x[i * cols + v] : x[v * cols + i]);
      let e = 0;
      for (let u = 0; u < k; u++) {
        for (let v = u; v < k; v++) {
          let s = 0;
          for (let i = 0; i < len; i++) s += at(u, i) * at(v, i);
          e = Math.max(e, Math.abs(s - (u === v ? 1 : 0)));
        }
      }
      t.ok(e < (dtype === 'float64' ? 1e-13 : 1e-5), `${shape.join('x')} ${dtype}: max |gram − I| = ${e}`);
    }
  }
  const one = (initTensor(0n, 'orthogonal', [1, 1], 'float64', { gain: 2.5 }).data as Float64Array)[0];
  t.equal(Math.abs(one), 2.5, '1×1 is ±gain');
});

t.test('without WebAssembly SIMD, householderQRWith runs the JS reference (same bits)', async (t) => {
  const H = await t.mockImport<typeof import('../../src/core/linalg/householder.js')>('../../src/core/linalg/householder.js', {
    '../../src/core/linalg/qr-wasm.js': { qrWasm: () => null, qrWasmAvailable: () => false, NB },
  });
  for (const [m, n] of [[1, 1], [9, 4], [70, 70]] as Array<[number, number]>) {
    const a = gaussian(m, n, m + 2 * n);
    const got = H.householderQR(a, m, n);
    const want = householderQRReference(a.slice(), m, n);
    t.ok(Buffer.from(got.q.buffer).equals(Buffer.from(want.q.buffer)), `${m}x${n}: Q`);
    t.same([...got.rdiag], [...want.rdiag], `${m}x${n}: rdiag`);
  }
});
