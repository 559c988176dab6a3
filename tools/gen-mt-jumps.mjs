#!/usr/bin/env node
// Jump-ahead polynomials for MT19937 (Haramoto, Matsumoto, Nishimura, Panneton, L'Ecuyer,
// "Efficient jump ahead for F2-linear random number generators", 2008), GENERATED into
// src/core/data/mt-jumps.ts:
//   1. φ(x), the characteristic polynomial of one MT19937 word step (degree 19937), found by
//      Berlekamp–Massey from the top bits of 2·19937 + 64 untwisted state words;
//   2. g_m(x) = x^(m·U) mod φ(x) for U = 624·2048 words (2048 twists) and m = 1..JUMP_TABLE.
// Applying g_m to a twisted state (TorchGenerator.skip → kernels.wat jump_state) moves it m·U
// words ahead in ~0.85 ms instead of ~0.3 ns a word. test/core/mt-jump.test.ts checks jumps
// against stepping and every committed polynomial (m jumps of polynomial 1); `--check`
// regenerates the file and compares (~3 s, so not in npm test).
//
//   node tools/gen-mt-jumps.mjs           write src/core/data/mt-jumps.ts
//   node tools/gen-mt-jumps.mjs --check   exit 1 if the committed file is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = join(ROOT, 'src/core/data/mt-jumps.ts');
export const DEG = 19937;
export const WORDS = 624; // 32-bit words of a polynomial of degree < 19968
export const UNIT_TWISTS = 2048;
export const JUMP_TABLE = 32;

// ---- GF(2)[x] polynomials as Uint32Array, bit i = coefficient of x^i

const getBit = (p, i) => (p[i >>> 5] >>> (i & 31)) & 1;
const flipBit = (p, i) => { p[i >>> 5] ^= 1 << (i & 31); };

/** p ^= q << s (in place; p long enough). */
function xorShifted(p, q, s, qWords = q.length) {
  const w = s >>> 5, b = s & 31;
  if (b === 0) {
    for (let i = 0; i < qWords && i + w < p.length; i++) p[i + w] ^= q[i];
    return;
  }
  for (let i = 0; i < qWords; i++) {
    const v = q[i];
    if (v === 0) continue;
    if (i + w < p.length) p[i + w] ^= v << b;
    if (i + w + 1 < p.length) p[i + w + 1] ^= v >>> (32 - b);
  }
}

function degree(p) {
  for (let i = p.length - 1; i >= 0; i--) if (p[i]) return 32 * i + 31 - Math.clz32(p[i]);
  return -1;
}

/** p mod phi (p of any length), result WORDS long. */
function reduce(p, phi) {
  const q = p.slice();
  for (let i = degree(q); i >= DEG; i--) if (getBit(q, i)) xorShifted(q, phi, i - DEG);
  return q.slice(0, WORDS);
}

function mulmod(a, b, phi) {
  const prod = new Uint32Array(2 * WORDS + 1);
  for (let i = 0; i < DEG; i++) if (getBit(b, i)) xorShifted(prod, a, i, WORDS);
  return reduce(prod, phi);
}

function sqrmod(a, phi) {
  const sq = new Uint32Array(2 * WORDS + 1);
  for (let i = 0; i < DEG; i++) if (getBit(a, i)) flipBit(sq, 2 * i);
  return reduce(sq, phi);
}

/** x^e mod phi (e a safe integer). */
function xpow(e, phi) {
  let r = new Uint32Array(WORDS);
  r[0] = 1;
  for (let k = Math.floor(Math.log2(e)); k >= 0; k--) {
    r = sqrmod(r, phi);
    if (Math.floor(e / 2 ** k) % 2 === 1) {
      const s = new Uint32Array(WORDS + 1);
      xorShifted(s, r, 1, WORDS);
      r = reduce(s, phi);
    }
  }
  return r;
}

// ---- MT19937 untempered words (the recurrence) and Berlekamp–Massey

function mtWords(count) {
  const N = 624, M = 397;
  const mt = new Int32Array(N);
  let x = 5489;
  mt[0] = x;
  for (let j = 1; j < N; j++) mt[j] = x = (Math.imul(1812433253, x ^ (x >>> 30)) + j) | 0;
  const out = new Int32Array(count);
  let k = 0;
  for (;;) {
    for (let i = 0; i < N; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
      mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      out[k++] = mt[i];
      if (k === count) return out;
    }
  }
}

/** The minimal polynomial of the bit sequence s (Uint8Array of 0/1), as φ with φ(A) = 0. */
function berlekampMassey(s) {
  const n = s.length;
  const W = (n >>> 5) + 2;
  let C = new Uint32Array(W), B = new Uint32Array(W);
  C[0] = 1;
  B[0] = 1;
  let L = 0, m = 1;
  // r = s reversed, bit-packed: s_{N-i} = r[n-1-N+i]
  const r = new Uint32Array(W);
  for (let k = 0; k < n; k++) if (s[n - 1 - k]) r[k >>> 5] |= 1 << (k & 31);
  const rbit = (k) => (r[k >>> 5] >>> (k & 31)) & 1;
  for (let N = 0; N < n; N++) {
    let d = s[N];
    const base = n - 1 - N;
    for (let i = 1; i <= L; i++) if (getBit(C, i)) d ^= rbit(base + i);
    if (d === 0) { m++; continue; }
    if (2 * L <= N) {
      const T = C.slice();
      xorShifted(C, B, m);
      L = N + 1 - L;
      B = T;
      m = 1;
    } else {
      xorShifted(C, B, m);
      m++;
    }
  }
  // φ(x) = x^L C(1/x)
  const phi = new Uint32Array(WORDS + 1);
  for (let i = 0; i <= L; i++) if (getBit(C, i)) flipBit(phi, L - i);
  return { phi, L };
}

export function generate() {
  const words = mtWords(2 * DEG + 64);
  const bits = Uint8Array.from(words, (w) => (w >>> 31) & 1);
  const { phi, L } = berlekampMassey(bits);
  if (L !== DEG) throw new Error(`Berlekamp–Massey found degree ${L}, not ${DEG}`);
  const unit = xpow(624 * UNIT_TWISTS, phi);
  const table = [unit];
  for (let m = 2; m <= JUMP_TABLE; m++) table.push(mulmod(table[m - 2], unit, phi));
  const bytes = new Uint8Array(4 * WORDS * JUMP_TABLE);
  const view = new DataView(bytes.buffer);
  table.forEach((p, m) => p.forEach((w, i) => view.setUint32(4 * (WORDS * m + i), w, true)));
  const b64 = Buffer.from(bytes).toString('base64').match(/.{1,100}/g);
  return [
    '// GENERATED by tools/gen-mt-jumps.mjs. Do not edit: run `node tools/gen-mt-jumps.mjs`',
    '// (`--check` compares; test/core/mt-jump.test.ts checks every polynomial against stepping).',
    '/**',
    ` * MT19937 jump-ahead polynomials: entry m − 1 (m = 1..${JUMP_TABLE}) is x^(m·${624 * UNIT_TWISTS}) mod φ(x),`,
    ` * φ the characteristic polynomial of one word step (degree ${DEG}), as ${WORDS} little-endian`,
    ' * 32-bit words (bit i = coefficient of x^i), base64.',
    ' */',
    `export const JUMP_UNIT_WORDS = ${624 * UNIT_TWISTS};`,
    `export const JUMP_TABLE = ${JUMP_TABLE};`,
    'export const JUMP_POLYS_BASE64 =',
    b64.map((l) => `  '${l}'`).join(' +\n') + ';',
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = Date.now();
  const src = generate();
  if (process.argv.includes('--check')) {
    let cur = '';
    try { cur = readFileSync(OUT, 'utf8'); } catch { /* missing */ }
    if (cur !== src) { console.error(`${OUT} is stale: run node tools/gen-mt-jumps.mjs`); process.exit(1); }
    console.log(`mt-jumps.ts is up to date (${Date.now() - t0} ms)`);
  } else {
    writeFileSync(OUT, src);
    console.log(`wrote ${OUT} (${Date.now() - t0} ms)`);
  }
}
