#!/usr/bin/env node
// Writes test/fixtures/glibc-float.json: input/output bit pairs of the local glibc 2.36
// logf, expf and erff (x86-64, FMA ifunc variants), for test/core/glibc-float.test.ts, which
// then needs no C compiler. Per function it keeps
//   - branch and table boundaries, special values, ±1 ulp around each;
//   - the hard cases: inputs on which our fast binary64 path had to fall back to the exact
//     FMA emulation, and inputs on which a naive port (fround(Math.exp/log), fround of a
//     binary64 fdlibm erf) differs from glibc;
//   - the arguments erfinv32 really passes, for random y;
//   - random bit patterns in erfinv's input range and over all binary32.
// Deterministic (fixed PRNG seed). Usage: node tools/glibc-check/gen-fixture.mjs
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { prepare, oracleList, root, isNaN32 } from './common.mjs';

const prep = prepare();
if (prep.skip) {
  console.log(`gen-fixture: skipped: ${prep.skip}`);
  process.exit(0);
}
const { bin, modUrl, dist } = prep;
const gf = await import(modUrl);
const { erf } = await import(pathToFileURL(join(dist, 'src/core/rng/erf.js')).href);
const { erfinv32 } = await import(pathToFileURL(join(dist, 'src/core/kernels/erfinv.js')).href);

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const val = (b) => ((u32[0] = b >>> 0), f32[0]);
const bits = (x) => ((f32[0] = x), u32[0]);
const fr = Math.fround;

let seed = 0x9e3779b9;
function rnd32() {
  // xorshift32
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>>= 0);
}
const rndIn = (lo, hi) => lo + (rnd32() % (hi - lo + 1));

const RANGE = {
  logf: [[0x00000000, 0x3f800000]],
  expf: [[0x80000000, 0xc2d00000]],
  erff: [[0x00000000, 0x40c00000], [0x80000000, 0xc0c00000]],
};
const NAIVE = {
  logf: (x) => fr(Math.log(x)),
  expf: (x) => fr(Math.exp(x)),
  erff: (x) => fr(erf(x)),
};
const around = (b, d = 2) => Array.from({ length: 2 * d + 1 }, (_, i) => (b + i - d) >>> 0);
const both = (list) => list.flatMap((b) => [b >>> 0, (b | 0x80000000) >>> 0]);

const SPECIAL = [0, 1, 2, 0x007fffff, 0x00800000, 0x00800001, 0x3f800000, 0x7f7fffff, 0x7f800000, 0x7fc00000, 0x7f800001];
const BOUNDS = {
  logf: [
    ...both(SPECIAL),
    ...[0x3f330000, 0x3f800000, 0x3f7fffff, 0x00800000, 0x00000001].flatMap((b) => around(b)),
    // table-interval edges (bits 19..22 of ix - 0x3f330000), a few binades
    ...[0x3f000000, 0x3e800000, 0x00800000, 0x3f800000].flatMap((e) =>
      Array.from({ length: 16 }, (_, i) => around((e - (e & 0x007fffff) + 0x330000 + (i << 19)) & 0x7fffffff, 1)).flat()),
  ],
  expf: [
    ...both(SPECIAL),
    ...both([0x42b00000, 0x42b17217, 0x42cff1b4, 0x42ce8ed0, 0x42d00000, 0x3f800000]).flatMap((b) => around(b)),
    ...[-104, -103.5, -100, -87.33655, -50, -10, -1, -0.5, -(2 ** -10), -(2 ** -30)].map((x) => bits(x)).flatMap((b) => around(b, 1)),
  ],
  erff: [
    ...both(SPECIAL),
    ...both([0x04000000, 0x31800000, 0x3f580000, 0x3fa00000, 0x4036db6e, 0x40c00000]).flatMap((b) => around(b)),
    ...both([0x3f000000, 0x3f800000, 0x40000000, 0x40400000, 0x40a00000]).flatMap((b) => around(b, 1)),
  ],
};

const out = {
  about: 'glibc 2.36 x86-64 (FMA ifunc variants) logf/expf/erff: base64 of little-endian uint32 pairs [input bits, output bits, ...]; made by tools/glibc-check/gen-fixture.mjs',
  glibc: prep.ver,
};
const SCAN = 1 << 22; // random inputs scanned per function for hard cases
const FB_SCAN = 1 << 28;
const MIN_CASES = 2600;
const MAX_FALLBACK = 600, MAX_NAIVE = 1000, N_ERFINV = 500, N_RANGE = 700, N_ALL = 300;

for (const fn of ['logf', 'expf', 'erff']) {
  const f = gf[fn];
  const pick = new Set(BOUNDS[fn]);
  // Random scan of erfinv's range: fallbacks and naive differences.
  const ranges = RANGE[fn];
  const scan = new Uint32Array(SCAN);
  for (let j = 0; j < SCAN; j++) {
    const [lo, hi] = ranges[j % ranges.length];
    scan[j] = rndIn(lo, hi);
  }
  const g = await oracleList(bin, fn, scan);
  const fb = [], nv = [];
  const counter = fn === 'logf' ? 'logf' : 'expf';
  for (let j = 0; j < SCAN; j++) {
    const x = val(scan[j]);
    const before = gf.fallbacks[counter];
    f(x);
    if (gf.fallbacks[counter] !== before) fb.push(scan[j]);
    const nb = bits(NAIVE[fn](x));
    if (nb !== g[j] && !(isNaN32(nb) && isNaN32(g[j]))) nv.push(scan[j]);
  }
  // More fallbacks (about 1 input in 10^5 to 10^6): a longer scan without the oracle; for
  // erff, of the range where it calls expf.
  const fbRanges = fn === 'erff' ? [[0x3fa00000, 0x40c00000], [0xbfa00000, 0xc0c00000]] : ranges;
  for (let j = 0; j < FB_SCAN && fb.length < MAX_FALLBACK; j++) {
    const [lo, hi] = fbRanges[j % fbRanges.length];
    const b = rndIn(lo, hi);
    const before = gf.fallbacks[counter];
    f(val(b));
    if (gf.fallbacks[counter] !== before) fb.push(b);
  }
  // expf: the rare fallback where x·InvLn2N lies within rounding of a half-integer.
  if (fn === 'expf') {
    const inv = 32 / Math.LN2;
    for (let k = -4800; k <= 0 && fb.length < SCAN; k++) {
      const c = bits(fr((k + 0.5) / inv));
      for (const b of around(c, 3)) {
        const before = gf.fallbacks.expf;
        f(val(b));
        if (gf.fallbacks.expf !== before) fb.push(b);
      }
    }
  }
  console.log(`${fn}: ${fb.length} fallback inputs, ${nv.length} naive-port differences in ${SCAN}`);
  const take = (list, n) => {
    for (let i = 0; i < Math.min(n, list.length); i++) pick.add(list[Math.floor((i * list.length) / Math.min(n, list.length))]);
  };
  take(fb, MAX_FALLBACK);
  take(nv, MAX_NAIVE);
  // What erfinv32 passes: logf((1-|y|)/2), erff(x), expf(-x*x) near the final x.
  for (let i = 0; i < N_ERFINV; i++) {
    const y = fr(val(rndIn(0, 0x3f7fffff)) * (rnd32() & 1 ? -1 : 1));
    const x = erfinv32(y);
    if (fn === 'logf') pick.add(bits(fr(fr(1 - Math.abs(y)) / 2)));
    if (fn === 'erff') pick.add(bits(x));
    if (fn === 'expf') pick.add(bits(fr(-x * x)));
  }
  for (let i = 0; i < N_RANGE; i++) {
    const [lo, hi] = ranges[i % ranges.length];
    pick.add(rndIn(lo, hi));
  }
  for (let i = 0; i < N_ALL; i++) pick.add(rnd32());
  for (let i = 0; pick.size < MIN_CASES; i++) {
    const [lo, hi] = ranges[i % ranges.length];
    pick.add(rndIn(lo, hi));
  }
  const inputs = [...pick].sort((a, b) => a - b);
  const res = await oracleList(bin, fn, inputs);
  const pairs = new Uint32Array(2 * inputs.length);
  inputs.forEach((b, i) => {
    pairs[2 * i] = b;
    pairs[2 * i + 1] = res[i];
  });
  out[fn] = Buffer.from(pairs.buffer).toString('base64');
  console.log(`${fn}: ${inputs.length} pairs`);
}
const file = join(root, 'test/fixtures/glibc-float.json');
writeFileSync(file, JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${file}`);
