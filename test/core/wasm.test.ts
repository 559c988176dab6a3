// The WebAssembly kernels (src/core/wasm) against the JS reference kernels, byte for byte, and the
// generator state they leave behind; plus the generated module's freshness.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { TorchGenerator } from '../../src/core/rng/mt19937.js';
import { fma32 } from '../../src/core/rng/fma.js';
import { uniformKernel, uniformKernelJs } from '../../src/core/kernels/uniform.js';
import { normalKernel, normalKernelJs } from '../../src/core/kernels/normal.js';
import { block32 } from '../../src/core/kernels/normal32.js';
import { allocate, fround, type FloatDtype, type TensorData } from '../../src/core/dtype.js';
import { WASM_ENGINE, uniformF32Wasm, normalF32Wasm, uniformSumsExact } from '../../src/core/wasm/kernels.js';
import { BUF_OFFSET, CHUNK, FUSED_SWITCH, type Engine } from '../../src/core/wasm/engine.js';
import { prng } from '../helpers/prng.js';


const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const sameBytes = (a: ArrayBufferView, b: ArrayBufferView) => bytes(a).equals(bytes(b));

interface GenInternals { state: Int32Array; left: number; next: number; nextDoubleNormal: number | null }
/** Same state words, left, next and Box–Muller cache. */
function sameGen(a: TorchGenerator, b: TorchGenerator): boolean {
  const x = a as unknown as GenInternals, y = b as unknown as GenInternals;
  return x.left === y.left && x.next === y.next && Object.is(x.nextDoubleNormal, y.nextDoubleNormal) && sameBytes(x.state, y.state);
}

/** Generators seeded alike, both advanced by `pre` words (so `left` varies). */
function pair(seed: bigint, pre: number): [TorchGenerator, TorchGenerator] {
  const a = new TorchGenerator(seed), b = new TorchGenerator(seed);
  a.skip(pre);
  b.skip(pre);
  return [a, b];
}

const F32_MAX = 3.4028234663852886e38;
const SIZES = [...Array.from({ length: 70 }, (_, i) => i + 1), 127, 128, 129, 623, 624, 625, 1000, 1248, 4099, CHUNK - 1, CHUNK, CHUNK + 5, 65536];
const BIG = (1 << 20) + 5;

t.test('the committed kernels-wasm.ts is what tools/build-wasm.mjs makes of kernels.wat', async (t) => {
  const build = (await import('../../tools/build-wasm.mjs' as string)) as { generatedModuleSource(): Promise<string>; OUT_PATH: string };
  t.equal(readFileSync(build.OUT_PATH, 'utf8'), await build.generatedModuleSource(), 'run node tools/build-wasm.mjs');
});

t.test('the engine is available (WebAssembly SIMD128 is on by default since Node 16.4)', async (t) => {
  t.ok(WASM_ENGINE, 'ENGINE instantiated');
});

const E = WASM_ENGINE as Engine;

t.test('fillU32 (engine for n ≥ 128) equals fillU32Js', async (t) => {
  const rnd = prng(1);
  let bad = '';
  for (const n of [...SIZES, BIG]) {
    for (const pre of n > 70000 ? [0, 317] : [0, 1, 623, Math.floor(rnd() * 2000)]) {
      const seed = BigInt(Math.floor(rnd() * 2 ** 32));
      const [a, b] = pair(seed, pre);
      const wa = new Int32Array(n), wb = new Int32Array(n);
      a.fillU32(wa);
      b.fillU32Js(wb);
      // a Uint32Array at an offset, then one more word each
      const ua = new Uint32Array(n + 3), ub = new Uint32Array(n + 3);
      a.fillU32(ua, n, 3);
      b.fillU32Js(ub, n, 3);
      if (!sameBytes(wa, wb) || !sameBytes(ua, ub) || !sameGen(a, b) || a.nextU32() !== b.nextU32()) bad ||= `n=${n} pre=${pre}`;
    }
  }
  t.equal(bad, '', 'words and states agree');
});

/** Ranges of uniform_(a, b): symmetric, asymmetric, huge/tiny, degenerate, subnormal, extreme. */
function uniformRanges(rnd: () => number): Array<[number, number]> {
  const r: Array<[number, number]> = [
    [-0.1, 0.1], [0, 1], [-3, 7.25], [1000, 1000.001], [-1e-30, 3e-30], [5, 5], [-0, 0], [0, 0],
    [1e-45, 3e-45], [-1.7e38, 1.7e38], [-F32_MAX, 0], [0, F32_MAX], [0.3, 1e6], [-2.5e-3, 1],
    [13943.0537109375, 13943.0537109375 + 0.0763], [-107.81832122802734, -107.8183],
  ];
  for (let i = 0; i < 6; i++) {
    const a = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12 - 6);
    const b = a + rnd() * 10 ** Math.floor(rnd() * 12 - 8);
    r.push([a, b]);
  }
  return r;
}

// The float32 drivers run the fused transforms (src/core/wasm/fused.wat) where relaxed SIMD is on
// (.taprc sets the flag) and the exact ones otherwise: both must equal the JS kernels.
for (const fused of [true, false]) t.test(`float32 uniform_ (${fused ? 'fused' : 'exact'} transform): engine equals the JS kernel, words and state included`, async (t) => {
  FUSED_SWITCH.on = fused;
  t.teardown(() => { FUSED_SWITCH.on = true; });
  const rnd = prng(2);
  let bad = '';
  let cases = 0;
  for (const n of [...SIZES, BIG]) {
    const ranges = uniformRanges(rnd);
    const pick = n > 70000 ? ranges.filter((_, i) => i % 4 === 0) : n > 100 ? ranges : [ranges[Math.floor(rnd() * ranges.length)], ranges[3]];
    for (const [lo, hi] of pick) {
      const [a, b] = pair(BigInt(Math.floor(rnd() * 2 ** 32)), Math.floor(rnd() * 1000));
      const oa = new Float32Array(n), ob = new Float32Array(n);
      uniformKernel(a, 'float32', oa, n, lo, hi);
      uniformKernelJs(b, 'float32', ob, n, lo, hi);
      // the general (midpoint-checking) path on the same stream, whatever uniformSumsExact says
      const F = fround(lo), R = fround(fround(hi) - F);
      const ga = new Float32Array(n), gb = new Float32Array(n);
      uniformF32Wasm(a, ga, n, R, F, false);
      uniformKernelJs(b, 'float32', gb, n, lo, hi);
      cases++;
      if (!sameBytes(oa, ob) || !sameBytes(ga, gb) || !sameGen(a, b) || a.nextU32() !== b.nextU32()) bad ||= `n=${n} [${lo}, ${hi})`;
    }
  }
  t.equal(bad, '', `${cases} cases agree`);
});

t.test('uniform_: the fma32 fix-up lanes (double rounding) match fma32', async (t) => {
  // (F, R, k) where f32(k·2^-24·R + F in binary64) is NOT fma32: the binary64 sum is a binary32
  // midpoint but was inexact (found by search over the whole k range).
  const hits: Array<[number, number, number]> = [
    [-0.00195166131015867, 1.0031978026070476e-10, 9734496],
    [0.000049418969865655527, 1.150141093475554e-9, 10109366],
    [0.38220930099487305, 0.000007879766599216964, 7011629],
    [-0.000007457221272488823, 4.995641122995664e-10, 16028072],
    [-0.17314362525939941, 0.00003071229366469197, 777376],
    [-107.81832122802734, 0.000015024954336695373, 12778741],
    [13943.0537109375, 0.07631123811006546, 11486434],
    [21133.22265625, 0.004579881671816111, 10732155],
  ];
  const b = BUF_OFFSET >> 2;
  let bad = 0, fixed = 0;
  for (const [F, R, k] of hits) {
    const want = fma32(k * 2 ** -24, R, F);
    if (want !== fround(k * 2 ** -24 * R + F)) fixed++;
    // the lane in each of the 4 positions, among neighbours
    for (let lane = 0; lane < 4; lane++) {
      for (let i = 0; i < 8; i++) E.u32[b + i] = (k - lane + i) | 0xa5000000;
      E.ex.uniform_f32_words(BUF_OFFSET, 8, R * 2 ** -24, F, 0);
      for (let i = 0; i < 8; i++) if (!Object.is(E.f32[b + i], fma32(((k - lane + i) & 0xffffff) * 2 ** -24, R, F))) bad++;
    }
    t.notOk(uniformSumsExact(R, F), `F=${F} R=${R} takes the checked path`);
  }
  t.equal(fixed, hits.length, 'every case needs the fix-up');
  t.equal(bad, 0, 'engine lanes equal fma32');
});

t.test('uniformSumsExact is sound: its sums have a zero TwoSum error', async (t) => {
  const rnd = prng(3);
  let claimed = 0, bad = 0;
  for (let i = 0; i < 4000; i++) {
    const F = fround((rnd() - 0.5) * 2 ** Math.floor(rnd() * 60 - 30));
    const R = fround(rnd() * 2 ** Math.floor(rnd() * 60 - 30));
    if (!uniformSumsExact(R, F)) continue;
    claimed++;
    for (let j = 0; j < 64; j++) {
      const k = j < 2 ? j * ((1 << 24) - 1) : Math.floor(rnd() * 2 ** 24);
      const p = k * 2 ** -24 * R, s = p + F, bb = s - p;
      if ((p - (s - bb)) + (F - bb) !== 0) bad++;
    }
  }
  t.ok(claimed > 500, `${claimed} pairs claimed exact`);
  t.equal(bad, 0);
});

/**
 * (mean, std) pairs: zeros of both signs (the exact path), general ones, tiny and huge std. With
 * std = 1.4e-45 some p·S round to a binary32 zero: fma32(p, S, +0) keeps the sign of p·S.
 */
function normalParams(rnd: () => number): Array<[number, number]> {
  const r: Array<[number, number]> = [
    [0, 1], [-0, 1], [0, 0], [-0, 0], [3, 0], [0.5, 2], [0, 0.02], [-3, 1e-3], [1000, 0.001], [0, 1e-40], [-0, 1e-40],
    [7, 1e-40], [0, 1.4e-45], [-0, 1.4e-45], [1e-30, 3e-30], [1e30, 1], [0, 1e38], [1, 1e38],
  ];
  for (let i = 0; i < 4; i++) r.push([(rnd() - 0.5) * 10 ** Math.floor(rnd() * 8 - 4), rnd() * 10 ** Math.floor(rnd() * 8 - 4)]);
  return r;
}

for (const fused of [true, false]) t.test(`float32 normal_ (${fused ? 'fused' : 'exact'} transform; n ≥ 16 blocks, ragged tails): engine equals the JS kernel`, async (t) => {
  FUSED_SWITCH.on = fused;
  t.teardown(() => { FUSED_SWITCH.on = true; });
  const rnd = prng(4);
  let bad = '';
  let cases = 0;
  for (const n of [...SIZES.filter((n) => n >= 16), BIG + 2]) {
    const params = normalParams(rnd);
    const pick = n > 70000 ? params.filter((_, i) => i % 5 === 0) : n > 100 ? params : [params[Math.floor(rnd() * params.length)], params[5]];
    for (const [mean, std] of pick) {
      const [a, b] = pair(BigInt(Math.floor(rnd() * 2 ** 32)), Math.floor(rnd() * 1000));
      const oa = new Float32Array(n), ob = new Float32Array(n);
      normalKernel(a, 'float32', oa, n, mean, std);
      normalKernelJs(b, 'float32', ob, n, mean, std);
      // the general (fix-up checking) path, even where the sums are exact
      const ga = new Float32Array(n), gb = new Float32Array(n);
      normalF32Wasm(a, ga, n, fround(mean), fround(std), false);
      normalKernelJs(b, 'float32', gb, n, mean, std);
      cases++;
      if (!sameBytes(oa, ob) || !sameBytes(ga, gb) || !sameGen(a, b) || a.nextU32() !== b.nextU32()) bad ||= `n=${n} mean=${mean} std=${std}`;
    }
  }
  t.equal(bad, '', `${cases} cases agree`);
});

t.test('normal_ block transform across the 24-bit input domain (radius and angle)', async (t) => {
  // Each lane's radius depends on word j only and its angle on word j+8 only: sweep each
  // (stride 4099 plus the edges) with the other fixed, against block32 on the same uniforms.
  const ks: number[] = [0, 1, 2, 3, (1 << 23) - 1, 1 << 23, (1 << 24) - 2, (1 << 24) - 1];
  for (let k = 5; k < 1 << 24; k += 4099) ks.push(k);
  const b = BUF_OFFSET >> 2;
  const ref = new Float32Array(CHUNK);
  let bad = 0, total = 0;
  const run = (word: (i: number, j: number) => [number, number], M: number, S: number, exact: number) => {
    for (let i = 0; i < CHUNK; i += 16) {
      for (let j = 0; j < 8; j++) {
        const [u, v] = word(i, j);
        E.u32[b + i + j] = u;
        E.u32[b + i + j + 8] = v;
        ref[i + j] = (u & 0xffffff) * 2 ** -24;
        ref[i + j + 8] = (v & 0xffffff) * 2 ** -24;
      }
      block32(ref, i, M, S);
    }
    E.ex.normal_f32_words(BUF_OFFSET, CHUNK, M, S, exact);
    for (let i = 0; i < CHUNK; i++) if (!Object.is(E.f32[b + i], ref[i])) bad++;
    total += CHUNK;
  };
  const perChunk = CHUNK / 2;
  for (let s = 0; s < ks.length; s += perChunk) {
    const at = (i: number, j: number) => ks[Math.min(s + (i >> 1) + j, ks.length - 1)];
    run((i, j) => [at(i, j) | 0x7f000000, 0], 0, 1, 1); // θ = 0: out[j] = radius
    run((i, j) => [0x5a5a5a, at(i, j) | 0x80000000], 0, 1, 1);
    run((i, j) => [0x000123, at(i, j)], fround(0.5), 2, 0);
  }
  t.equal(bad, 0, `${total} lanes`);
});

t.test('interleaved programs keep the generator in sync (engine vs JS paths)', async (t) => {
  const rnd = prng(5);
  let bad = '';
  for (let prog = 0; prog < 6; prog++) {
    const seed = BigInt(Math.floor(rnd() * 2 ** 32)) * (prog % 2 ? 1n : 4294967296n + 1n);
    const a = new TorchGenerator(seed), b = new TorchGenerator(seed);
    for (let step = 0; step < 120 && !bad; step++) {
      const op = Math.floor(rnd() * 9);
      const n = Math.floor(rnd() * (rnd() < 0.2 ? 20000 : 900)) + 1;
      let ok = true;
      const dtype: FloatDtype = (['float32', 'float64', 'float16', 'bfloat16'] as const)[Math.floor(rnd() * 4)];
      const outs = (dt: FloatDtype, len: number): [TensorData, TensorData] => [allocate(dt, len), allocate(dt, len)];
      switch (op) {
        case 0: for (let i = 0; i < n % 50; i++) ok &&= a.nextU32() === b.nextU32(); break;
        case 1: a.skip(n); b.skip(n); break;
        case 2: for (let i = 0; i < n % 20; i++) ok &&= Object.is(a.nextUniform53(), b.nextUniform53()); break;
        case 3: { // the serial Box–Muller path (n < 16) with its cache, any dtype
          const m = (n % 15) + 1;
          const [x, y] = outs(dtype, m);
          normalKernel(a, dtype, x, m, 0.25, 1.5);
          normalKernelJs(b, dtype, y, m, 0.25, 1.5);
          ok = sameBytes(x, y);
          break;
        }
        case 4: case 5: {
          const [lo, hi] = rnd() < 0.5 ? [-0.5, 0.5] : [1000, 1000.001];
          const [x, y] = outs(op === 4 ? 'float32' : dtype, n);
          uniformKernel(a, op === 4 ? 'float32' : dtype, x, n, lo, hi);
          uniformKernelJs(b, op === 4 ? 'float32' : dtype, y, n, lo, hi);
          ok = sameBytes(x, y);
          break;
        }
        case 6: case 7: {
          const m = n + 15;
          const [mean, std] = rnd() < 0.5 ? [0, 0.02] : [0.5, 2];
          const [x, y] = outs(op === 6 ? 'float32' : dtype, m);
          normalKernel(a, op === 6 ? 'float32' : dtype, x, m, mean, std);
          normalKernelJs(b, op === 6 ? 'float32' : dtype, y, m, mean, std);
          ok = sameBytes(x, y);
          break;
        }
        default: {
          const x = new Int32Array(n), y = new Int32Array(n);
          a.fillU32(x);
          b.fillU32Js(y);
          ok = sameBytes(x, y);
        }
      }
      if (!ok || !sameGen(a, b)) bad = `program ${prog} step ${step}: op ${op} n=${n} ${dtype}`;
    }
  }
  t.equal(bad, '', 'outputs and states agree after every step');
});
