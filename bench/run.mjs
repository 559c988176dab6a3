/**
 * `npm run bench` (= `npm run build && node bench/run.mjs`).
 *
 * 1. bench/core.mjs: the init core from dist/, per scheme (one thread).
 * 2. bench/torch_peer.py: the same cases in real PyTorch with torch.set_num_threads(1), through
 *    TORCH_PYTHON, else /usr/bin/python3, else python3. Without torch the peer is skipped
 *    ("torch not installed") and the ratio floors read SKIP.
 * 3. Every bench/http*.mjs that exists: each exports `async run({ log })` returning rows
 *    `{ section, name, value, unit, torch?, ratio?, note? }` (value/torch in `unit`; ratio is
 *    ours/torch as "× torch", higher = better, filled in from value/torch when absent). They
 *    are run in file-name order after the core; a bench that throws is reported, not fatal.
 * 4. Writes bench/RESULTS.md: one table per section, the floors with PASS/FAIL, date, node
 *    version, CPU model.
 *
 * Options: --no-torch (skip the peer), --only ID[,ID] (core cases), --no-http, --check (exit 1
 * when a floor fails), --out FILE (default bench/RESULTS.md).
 */
import '../dist/src/v8-flags.js'; // first: the core bench runs the kernels the service runs (fused)
import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CORE_CASES, FLOORS } from './cases.mjs';
import { run as runCore, fmtRate, fmtSeconds } from './core.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const val = (f) => { const i = argv.indexOf(f); return i >= 0 ? argv[i + 1] : undefined; };
const OUT = val('--out') ?? path.join(HERE, 'RESULTS.md');
const log = (s) => console.log(s);
const t0 = Date.now();

// ------------------------------------------------------------------ core
let cases = CORE_CASES;
if (val('--only')) {
  const ids = new Set(val('--only').split(','));
  cases = cases.filter((c) => ids.has(c.id));
}
log(`core bench: ${cases.length} cases`);
const coreRows = await runCore({ cases, log });

// ------------------------------------------------------------------ torch peer
function findPython() {
  if (process.env.TORCH_PYTHON) return process.env.TORCH_PYTHON;
  if (existsSync('/usr/bin/python3')) return '/usr/bin/python3';
  return 'python3';
}
let peer = null;
let peerNote = '';
if (flag('--no-torch')) {
  peerNote = 'torch peer skipped (--no-torch)';
} else {
  const py = findPython();
  const input = JSON.stringify(cases.map(({ id, scheme, shape, dtype, params }) => ({ id, scheme, shape, dtype, params })));
  log(`torch peer: ${py} bench/torch_peer.py`);
  const r = spawnSync(py, [path.join(HERE, 'torch_peer.py'), '-'], { input, encoding: 'utf8', timeout: 240_000, stdio: ['pipe', 'pipe', 'inherit'] });
  let doc = null;
  try { doc = JSON.parse(r.stdout.trim().split('\n').pop()); } catch { /* no JSON */ }
  if (r.error || !doc || doc.error) {
    peerNote = 'torch not installed';
    if (r.error && r.error.code !== 'ENOENT') peerNote += ` (${r.error.message})`;
    else if (!doc && r.status !== 0) peerNote += ` (${py} exited with ${r.status})`;
    log(peerNote);
  } else {
    peer = doc;
    peerNote = `torch ${doc.torch_version}, ${doc.threads} thread (torch.set_num_threads(1)), via ${py}`;
  }
}
for (const row of coreRows) {
  const p = peer?.results?.[row.id];
  if (p && p.seconds) { row.torchRate = p.rate; row.torchSeconds = p.seconds; row.ratio = row.rate / p.rate; }
  else if (p?.error) row.torchError = p.error;
}

// ------------------------------------------------------------------ http benches
const httpSections = [];
if (!flag('--no-http')) {
  const files = readdirSync(HERE).filter((f) => /^http.*\.mjs$/.test(f)).sort();
  for (const f of files) {
    log(`http bench: ${f}`);
    try {
      const mod = await import(pathToFileURL(path.join(HERE, f)).href);
      if (typeof mod.run !== 'function') throw new Error('it exports no run()');
      const rows = (await mod.run({ log })) ?? [];
      for (const r of rows) {
        if (r.ratio === undefined && Number.isFinite(r.value) && Number.isFinite(r.torch) && r.torch) r.ratio = r.value / r.torch;
      }
      httpSections.push({ file: f, rows });
    } catch (e) {
      log(`  ${f} failed: ${e.stack ?? e}`);
      httpSections.push({ file: f, rows: [], error: String(e.message ?? e) });
    }
  }
}

// ------------------------------------------------------------------ floors
const floors = [];
for (const row of coreRows) {
  if (!row.floor) continue;
  if (typeof row.floor === 'string') {
    const F = FLOORS[row.floor];
    const status = row.ratio === undefined ? 'SKIP' : row.ratio >= F.minRatio ? 'PASS' : 'FAIL';
    floors.push({ what: `${row.id} (${row.dtype}): ${F.text}`, got: row.ratio === undefined ? 'no torch figure' : `${row.ratio.toFixed(3)}× torch`, status });
  } else if (row.floor.maxSeconds) {
    floors.push({ what: `${row.id} (${row.dtype}, ${row.shape.join('×')}): <= ${row.floor.maxSeconds} s`, got: fmtSeconds(row.seconds), status: row.seconds <= row.floor.maxSeconds ? 'PASS' : 'FAIL' });
  }
}

// ------------------------------------------------------------------ report
function cpuModel() {
  try {
    const txt = readFileSync('/proc/cpuinfo', 'utf8');
    const m = /^model name\s*:\s*(.+)$/m.exec(txt);
    const n = (txt.match(/^processor\s*:/gm) ?? []).length;
    if (m) return `${m[1].trim()} (${n} logical CPUs)`;
  } catch { /* not Linux */ }
  const c = os.cpus();
  return c.length ? `${c[0].model} (${c.length} logical CPUs)` : 'unknown';
}
const ratioText = (r) => (r === undefined || !Number.isFinite(r) ? '—' : `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`);

const md = [];
md.push('# Benchmark results', '');
md.push(`- date: ${new Date().toISOString()}`);
md.push(`- node: ${process.version} (${process.platform}/${process.arch})`);
md.push(`- CPU: ${cpuModel()}`);
md.push(`- torch peer: ${peerNote}`);
md.push('- method: median of ≥5 timed runs after one warm-up (more runs while the total stays under 1 s, at most 60); ' +
  'ours = `initTensor()` from dist/ on the main thread, output allocation included; torch = `torch.manual_seed(42); torch.nn.init.<scheme>_(torch.empty(shape, dtype))`. ' +
  'Rates are elements per second; "× torch rate" = our rate / torch\'s rate (1.00× = as fast, higher is better).');
md.push('');
md.push('## Floors', '');
for (const h of httpSections) for (const r of h.rows) if (r.floor) floors.push({ what: r.floor.text, got: r.floor.got, status: r.floor.pass ? 'PASS' : 'FAIL' });
md.push('| floor | measured | status |', '| --- | --- | --- |');
for (const f of floors) md.push(`| ${f.what} | ${f.got} | **${f.status}** |`);
md.push('');

const sections = [...new Set(coreRows.map((r) => r.section))];
for (const s of sections) {
  md.push(`## Core: ${s}`, '');
  md.push('| case | shape | dtype | params | ours (median) | ours rate | torch 1-thread (median) | torch rate | × torch rate |');
  md.push('| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of coreRows.filter((x) => x.section === s)) {
    md.push(`| ${r.id} | ${r.shape.join('×')} | ${r.dtype} | \`${JSON.stringify(r.params)}\` | ${fmtSeconds(r.seconds)} | ${fmtRate(r.rate)} | ${r.torchSeconds ? fmtSeconds(r.torchSeconds) : r.torchError ? `error: ${r.torchError}` : '—'} | ${r.torchRate ? fmtRate(r.torchRate) : '—'} | ${ratioText(r.ratio)} |`);
  }
  md.push('');
}
for (const h of httpSections) {
  if (h.error) { md.push(`## ${h.file}`, '', `failed: ${h.error}`, ''); continue; }
  const secs = [...new Set(h.rows.map((r) => r.section ?? h.file))];
  for (const s of secs) {
    md.push(`## ${s}`, '');
    md.push('| case | ours | torch | × torch | note |', '| --- | ---: | ---: | ---: | --- |');
    for (const r of h.rows.filter((x) => (x.section ?? h.file) === s)) {
      const v = (x) => (x === undefined || x === null ? '—' : `${typeof x === 'number' ? +x.toPrecision(4) : x}${r.unit ? ` ${r.unit}` : ''}`);
      md.push(`| ${r.name ?? r.id ?? ''} | ${v(r.value)} | ${v(r.torch)} | ${ratioText(r.ratio)} | ${r.note ?? ''} |`);
    }
    md.push('');
  }
}
md.push(`Total bench time: ${((Date.now() - t0) / 1000).toFixed(0)} s.`, '');
writeFileSync(OUT, md.join('\n'));

log('');
for (const r of coreRows) log(`${r.id.padEnd(18)} ours ${fmtRate(r.rate).padStart(11)}  torch ${r.torchRate ? fmtRate(r.torchRate).padStart(11) : '—'.padStart(11)}  ${ratioText(r.ratio).padStart(7)} torch rate`);
for (const f of floors) log(`${f.status}  ${f.what}: ${f.got}`);
log(`wrote ${path.relative(process.cwd(), OUT) || OUT} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
if (flag('--check') && floors.some((f) => f.status === 'FAIL')) process.exit(1);
