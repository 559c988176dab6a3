#!/usr/bin/env node
// Exhaustive check of the WebAssembly float32 JSON token writer (src/core/encode/fmt32-wasm.ts,
// src/core/wasm/fmt.wat) against the JS writer (`writeFloat32` of floatfmt.ts): every one of the
// 2^32 bit patterns, as comma-separated rows, must give the same bytes. Runs the compiled
// modules of dist/ (`npm run build` first) in worker threads, a chunk of 2^20 consecutive
// patterns at a time (rowF32Wasm in blocks of 16384, as json.ts's Rows.write calls it), and
// prints progress, every mismatching pattern (up to --show) and the elements the WebAssembly
// writer handed back to the JS one.
//
//   node tools/check-fmt32.mjs [--workers 2] [--from 0] [--to 4294967296] [--show 50]
//
// Exit status 1 when a pattern mismatches.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const CHUNK = 1 << 20;
const BLOCK = 1 << 14;

if (isMainThread) {
  const arg = (name, def) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : def;
  };
  const workers = arg('--workers', Math.min(2, availableParallelism()));
  const from = arg('--from', 0);
  const to = arg('--to', 2 ** 32);
  const show = arg('--show', 50);
  if (!(from >= 0 && to <= 2 ** 32 && from < to && from % CHUNK === 0)) throw new Error('--from must be a multiple of 2^20 below --to <= 2^32');
  const chunks = Math.ceil((to - from) / CHUNK);
  let next = 0;
  let finished = 0;
  let mismatches = 0;
  let fallbacks = 0;
  let checked = 0;
  const t0 = Date.now();
  let lastReport = 0;
  let exited = 0;
  const done = new Promise((resolve, reject) => {
    const feed = (w) => {
      if (next < chunks) {
        const start = from + next * CHUNK;
        next++;
        w.postMessage({ start, end: Math.min(to, start + CHUNK) });
      } else {
        w.postMessage(null);
      }
    };
    for (let k = 0; k < workers; k++) {
      const w = new Worker(fileURLToPath(import.meta.url), { workerData: { k } });
      w.on('message', (m) => {
        checked += m.end - m.start;
        fallbacks += m.fallbacks;
        for (const bad of m.bad) {
          mismatches++;
          if (mismatches <= show) {
            console.log(`MISMATCH 0x${bad.u.toString(16).padStart(8, '0')}: js ${bad.js} wasm ${bad.wasm}`);
          }
        }
        finished++;
        const now = Date.now();
        if (now - lastReport > 10000 || finished === chunks) {
          lastReport = now;
          const s = (now - t0) / 1000;
          const frac = checked / (to - from);
          console.log(`${(100 * frac).toFixed(1).padStart(5)}%  ${checked} patterns  ${s.toFixed(0)} s` +
            `  (eta ${(s / frac - s).toFixed(0)} s)  mismatches ${mismatches}  JS fallbacks ${fallbacks}`);
        }
        feed(w);
      });
      w.on('error', reject);
      w.on('exit', () => {
        if (++exited === workers) resolve();
      });
      feed(w);
    }
  });
  await done;
  const s = (Date.now() - t0) / 1000;
  console.log(`checked ${checked} bit patterns [0x${from.toString(16)}, 0x${to.toString(16)}) in ${s.toFixed(1)} s` +
    ` with ${workers} workers: ${mismatches} mismatches, ${fallbacks} elements written by the JS fallback`);
  process.exit(mismatches === 0 && checked === to - from ? 0 : 1);
} else {
  const { writeFloat32 } = await import('../dist/src/core/encode/floatfmt.js');
  const { fmt32, rowF32Wasm } = await import('../dist/src/core/encode/fmt32-wasm.js');
  const F0 = fmt32();
  if (F0 === null) throw new Error('no WebAssembly engine');
  // the same instance, with the calls that stop early counted
  let fallbacks = 0;
  const ex = F0.ex;
  const F = { ...F0, ex: { ...ex, fmt_f32: (s, n, d) => { const k = ex.fmt_f32(s, n, d); if (k < n) fallbacks++; return k; } } };
  const u = new Uint32Array(CHUNK);
  const d = new Float32Array(u.buffer);
  const a = new Uint8Array(CHUNK * 20 + 64);
  const av = new DataView(a.buffer);
  const b = new Uint8Array(CHUNK * 20 + 64);
  const bv = new DataView(b.buffer);
  parentPort.on('message', (m) => {
    if (m === null) {
      process.exit(0);
    }
    const n = m.end - m.start;
    for (let i = 0; i < n; i++) u[i] = m.start + i;
    let pa = 0;
    for (let i = 0; i < n; i++) {
      pa = writeFloat32(a, av, pa, d[i], u[i]);
      a[pa++] = 44;
    }
    fallbacks = 0;
    let pb = 0;
    for (let s = 0; s < n; s += BLOCK) pb = rowF32Wasm(F, b, bv, pb, d, u, s, Math.min(n, s + BLOCK));
    const bad = [];
    const A = Buffer.from(a.buffer, 0, pa);
    const B = Buffer.from(b.buffer, 0, pb);
    if (!A.equals(B)) {
      const ta = A.toString('latin1').split(',');
      const tb = B.toString('latin1').split(',');
      for (let i = 0; i < n; i++) if (ta[i] !== tb[i]) bad.push({ u: u[i], js: ta[i], wasm: tb[i] });
      if (bad.length === 0) bad.push({ u: m.start, js: `${pa} bytes`, wasm: `${pb} bytes` });
    }
    parentPort.postMessage({ start: m.start, end: m.end, bad, fallbacks });
  });
}
