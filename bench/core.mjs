/**
 * Core benchmark: the init core from dist/ (pure TS, one thread), per scheme, as
 * `initTensor(seed, scheme, shape, dtype, params)`: the time includes allocating the output,
 * as torch's figure includes torch.empty.
 *
 *   node bench/core.mjs            (after `npm run build`; prints a table)
 *   import { run } from './core.mjs'; const rows = await run();
 *
 * Timing: one warm-up call, then at least MIN_RUNS (5) timed calls, more while the total stays
 * under TARGET_S (1 s, at most MAX_RUNS = 60); the figure is the median. The first case is
 * preceded by ~0.3 s of throw-away uniform calls (JIT, CPU clock).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CORE_CASES, SEED, numel } from './cases.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MIN_RUNS = 5, MAX_RUNS = 60, TARGET_S = 1.0;

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Times fn() per the policy above; returns { median, runs, min }. */
export function timeIt(fn, { minRuns = MIN_RUNS, maxRuns = MAX_RUNS, targetS = TARGET_S } = {}) {
  fn(); // warm-up (JIT, allocation of tables)
  const times = [];
  let total = 0;
  while (times.length < minRuns || (times.length < maxRuns && total < targetS)) {
    const t0 = process.hrtime.bigint();
    fn();
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    times.push(dt);
    total += dt;
  }
  return { median: median(times), min: Math.min(...times), runs: times.length };
}

async function loadCore() {
  const p = path.join(HERE, '..', 'dist/src/core/program.js');
  if (!existsSync(p)) throw new Error('dist/src/core/program.js is missing: run `npm run build` first');
  return import(pathToFileURL(p).href);
}

/** Rows: { id, section, scheme, shape, dtype, params, elements, seconds, runs, rate, floor } */
export async function run({ cases = CORE_CASES, log = () => {} } = {}) {
  const { initTensor } = await loadCore();
  const rows = [];
  const w0 = performance.now();
  while (performance.now() - w0 < 300) initTensor(1n, 'uniform', [1024, 1024], 'float32', {});
  for (const c of cases) {
    const seed = BigInt(SEED);
    const t = timeIt(() => initTensor(seed, c.scheme, c.shape, c.dtype, c.params));
    const elements = numel(c.shape);
    const row = { ...c, elements, seconds: t.median, runs: t.runs, rate: elements / t.median };
    rows.push(row);
    log(`core  ${c.id.padEnd(18)} ${fmtSeconds(t.median).padStart(9)}  ${fmtRate(row.rate).padStart(12)}  (${t.runs} runs)`);
  }
  return rows;
}

export function fmtRate(r) {
  if (!Number.isFinite(r)) return '—';
  if (r >= 1e9) return `${(r / 1e9).toFixed(2)} G/s`;
  if (r >= 1e6) return `${(r / 1e6).toFixed(1)} M/s`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)} k/s`;
  return `${r.toFixed(1)} /s`;
}
export function fmtSeconds(s) {
  if (!Number.isFinite(s)) return '—';
  if (s >= 1) return `${s.toFixed(2)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(1)} ms`;
  return `${(s * 1e6).toFixed(0)} µs`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run({ log: console.log });
}
