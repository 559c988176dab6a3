// The fused-multiply-add transforms (src/core/wasm/fused.wat, relaxed SIMD) against the exact
// kernels of kernels.wat: the same bits over the whole input domain of each lane. A normal_fill
// lane's radius depends on its word j only and its angle on word j+8 only, so sweeping every
// 24-bit value through both positions covers every radius and every (sin, cos) there is.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { fround } from '../../src/core/dtype.js';
import { ENGINE, BUF_OFFSET, CHUNK } from '../../src/core/wasm/engine.js';
import { prng } from '../helpers/prng.js';

const E = ENGINE!;
const b = BUF_OFFSET >> 2;

t.test('the committed fused-wasm.ts is what tools/build-wasm.mjs makes of fused.wat', async (t) => {
  const build = (await import('../../tools/build-wasm.mjs' as string)) as { MODULES: { out: string; constName: string }[]; moduleSource(m: unknown): Promise<string> };
  const m = build.MODULES.find((x) => x.constName === 'FUSED_WASM_BASE64')!;
  t.equal(readFileSync(m.out, 'utf8'), await build.moduleSource(m), 'run node tools/build-wasm.mjs');
});

t.test('the fused transforms are in use (relaxed SIMD is on in tests and the host has FMA)', async (t) => {
  t.ok(E.fused, '.taprc passes --experimental-wasm-relaxed-simd; the probe found relaxed_madd fused');
});

/** Runs both transforms on the same words; returns the number of differing lanes. */
function compare(words: Uint32Array, n: number, fusedRun: () => void, exactRun: () => void): number {
  E.u32.set(words.subarray(0, n), b);
  exactRun();
  const want = E.f32.slice(b, b + n);
  E.u32.set(words.subarray(0, n), b);
  fusedRun();
  let bad = 0;
  for (let i = 0; i < n; i++) if (!Object.is(E.f32[b + i], want[i])) bad++;
  return bad;
}

t.test('normal_f32_words_fma equals normal_f32_words on every 24-bit radius and angle input', { skip: E.fused ? false : 'no fused transforms on this host' }, async (t) => {
  const fx = E.fused!;
  const words = new Uint32Array(CHUNK);
  const rnd = prng(11);
  // mean/std pairs: plain and overflow (std 1e38) over the whole domain; a typical init and a
  // midpoint-prone mean over every 7th chunk of it
  const params: Array<[number, number, number]> = [[0, 1, 1], [1, fround(1e38), 1], [0, fround(0.02), 7], [fround(0.5), fround(0.1), 7]];
  let bad = 0, lanes = 0;
  for (const [M, S, every] of params) {
    for (let base = 0; base < 1 << 24; base += (CHUNK / 2) * every) {
      for (let g = 0; g < CHUNK; g += 16) {
        for (let j = 0; j < 8; j++) {
          const k = base + g / 2 + j; // every k in the radius position, a shuffled k in the angle one
          words[g + j] = (k | ((rnd() * 256) << 24)) >>> 0;
          words[g + 8 + j] = ((Math.imul(k, 40503) & 0xffffff) | ((rnd() * 256) << 24)) >>> 0;
        }
      }
      bad += compare(words, CHUNK, () => fx.normal_f32_words_fma(BUF_OFFSET, CHUNK, M, S), () => E.ex.normal_f32_words(BUF_OFFSET, CHUNK, M, S, 0));
      lanes += CHUNK;
    }
  }
  t.equal(bad, 0, `${lanes} lanes (for the first two pairs every 24-bit input in both positions; 40503 is odd, so k → 40503·k is a permutation)`);
});

t.test('uniform_f32_words_fma equals uniform_f32_words on every 24-bit input', { skip: E.fused ? false : 'no fused transforms on this host' }, async (t) => {
  const fx = E.fused!;
  const words = new Uint32Array(CHUNK);
  // (from, to) as torch takes them: F = f32(from), R = f32(f32(to) − F); midpoint-prone ranges too
  // [lo, hi, stride in chunks]: the whole domain for two ranges, every 5th chunk for the others
  const ranges: Array<[number, number, number]> = [[0, 1, 1], [1000, 1000.001, 1], [-0.05, 0.05, 5], [-3e38, 3e38, 5], [0.3, 0.7, 5]];
  let bad = 0, lanes = 0;
  for (const [lo, hi, every] of ranges) {
    const F = fround(lo), R = fround(fround(hi) - F);
    for (let base = 0; base < 1 << 24; base += CHUNK * every) {
      for (let i = 0; i < CHUNK; i++) words[i] = base + i;
      bad += compare(words, CHUNK, () => fx.uniform_f32_words_fma(BUF_OFFSET, CHUNK, R, F), () => E.ex.uniform_f32_words(BUF_OFFSET, CHUNK, R * 2 ** -24, F, 0));
      lanes += CHUNK;
    }
  }
  t.equal(bad, 0, `${lanes} lanes`);
});
