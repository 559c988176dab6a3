#!/usr/bin/env node
// Exhaustive comparison of src/core/rng/glibc-float.ts (our ports of glibc 2.36 logf, expf,
// erff) with the local glibc's libm, input by input, over binary32 bit-pattern ranges.
//
//   node tools/glibc-check/check.mjs            the ranges erfinv can reach:
//                                                 logf: every binary32 in [+0, 1]
//                                                 expf: every binary32 in [-104, -0] and +0
//                                                 erff: every binary32 in [-6, 6]
//   node tools/glibc-check/check.mjs --all      all 2^32 bit patterns for each function
//   options: --only logf,erff   --workers N   --chunk-bits B (default 22)
//            --exact   check expfExact/logfExact (the always-emulated FMA paths) instead
//
// The oracle is tools/glibc-check/glibc_dump.c, compiled with gcc into a temporary folder.
// The port is compiled with the project's tsc into a temporary folder too. Skips (exit 0)
// when gcc is missing, when the libm is not glibc 2.36, or when the CPU lacks FMA/AVX2 (then
// glibc's ifunc picks the non-FMA expf/logf, which are not the reference). Exit 1 on any
// mismatch. NaN results compare equal whatever their payloads.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { prepare, oracleRange, isNaN32, hex } from './common.mjs';

// Inclusive bit-pattern ranges.
const RANGES = {
  logf: [[0x00000000, 0x3f800000]],
  expf: [[0x00000000, 0x00000000], [0x80000000, 0xc2d00000]],
  erff: [[0x00000000, 0x40c00000], [0x80000000, 0xc0c00000]],
};
const ALL = [[0x00000000, 0xffffffff]];

if (!isMainThread) {
  const { bin, modUrl, chunks, exact } = workerData;
  const mod = await import(modUrl);
  const fi = new Float32Array(1), ui = new Uint32Array(fi.buffer);
  const fo = new Float32Array(1), uo = new Uint32Array(fo.buffer);
  let next = chunks.length ? oracleRange(bin, chunks[0].fn, chunks[0].lo, chunks[0].n) : null;
  for (let c = 0; c < chunks.length; c++) {
    const { fn, lo, n } = chunks[c];
    const g = await next;
    next = c + 1 < chunks.length ? oracleRange(bin, chunks[c + 1].fn, chunks[c + 1].lo, chunks[c + 1].n) : null;
    const f = mod[exact && fn !== 'erff' ? `${fn}Exact` : fn];
    let bad = 0;
    const examples = [];
    for (let j = 0; j < n; j++) {
      ui[0] = lo + j;
      fo[0] = f(fi[0]);
      const a = uo[0], b = g[j];
      if (a !== b && !(isNaN32(a) && isNaN32(b))) {
        bad++;
        if (examples.length < 5) examples.push([ui[0], a, b]);
      }
    }
    parentPort.postMessage({ fn, n, bad, examples });
  }
  parentPort.postMessage({ done: true });
} else {
  const argv = process.argv.slice(2);
  const opt = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const all = argv.includes('--all');
  const exact = argv.includes('--exact');
  const only = (opt('--only') ?? 'logf,expf,erff').split(',');
  for (const f of only) if (!(f in RANGES)) throw new Error(`unknown function ${f}`);
  const workers = Number(opt('--workers') ?? availableParallelism());
  const chunkBits = Number(opt('--chunk-bits') ?? 22);

  const prep = prepare();
  if (prep.skip) {
    console.log(`glibc-check: skipped: ${prep.skip}`);
    process.exit(0);
  }
  const { bin, ver, modUrl } = prep;

  // Chunks, dealt round-robin to the workers.
  const chunks = [];
  const totals = {};
  for (const fn of only) {
    totals[fn] = { n: 0, bad: 0, examples: [] };
    for (const [a, b] of all ? ALL : RANGES[fn]) {
      for (let lo = a; lo <= b; lo += 2 ** chunkBits) {
        chunks.push({ fn, lo, n: Math.min(2 ** chunkBits, b - lo + 1) });
      }
    }
  }
  const expected = chunks.reduce((s, c) => s + c.n, 0);
  console.log(`glibc-check: glibc ${ver}, ${only.join(' ')}${all ? ' (all inputs)' : ''}${exact ? ' (exact paths)' : ''}: ${expected} inputs, ${workers} workers`);
  const t0 = Date.now();
  let seen = 0, lastReport = t0;
  await Promise.all(
    Array.from({ length: workers }, (_, w) =>
      new Promise((res, rej) => {
        const mine = chunks.filter((_, i) => i % workers === w);
        const wk = new Worker(fileURLToPath(import.meta.url), { workerData: { bin, modUrl, chunks: mine, exact } });
        wk.on('message', (m) => {
          if (m.done) return res();
          const t = totals[m.fn];
          t.n += m.n;
          t.bad += m.bad;
          for (const e of m.examples) if (t.examples.length < 10) t.examples.push(e);
          seen += m.n;
          if (Date.now() - lastReport > 30000) {
            lastReport = Date.now();
            const s = (lastReport - t0) / 1000;
            console.error(`  ${(100 * seen / expected).toFixed(1)}% after ${s.toFixed(0)} s`);
          }
        });
        wk.on('error', rej);
        wk.on('exit', (code) => (code ? rej(new Error(`worker exit ${code}`)) : res()));
      })),
  );
  const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
  const val = (b) => ((u32[0] = b), f32[0]);
  let anyBad = 0;
  for (const fn of only) {
    const t = totals[fn];
    anyBad += t.bad;
    console.log(`${fn}: ${t.bad} mismatches in ${t.n} inputs`);
    for (const [x, a, b] of t.examples) {
      console.log(`  x=${hex(x)} (${val(x)}): port ${hex(a)} (${val(a)}), glibc ${hex(b)} (${val(b)})`);
    }
  }
  console.log(`glibc-check: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  process.exit(anyBad ? 1 : 0);
}
