#!/usr/bin/env node
/**
 * Runs the cross-check cases written by gen_cases.py through the init core (dist/) or through a
 * running server (--url), and compares with real torch's outputs the way
 * test/core/fixtures.test.ts does: exact cases byte for byte, {abs: x} cases element-wise,
 * error cases by Python exception type (core mode only) and text.
 *
 *   node tools/crosscheck/run_core.mjs [DIR|cases.json ...] [options]
 *
 *   DIR                  a directory holding cases.json (default: every tools/crosscheck/out/seed* dir)
 *   --url http://H:P     HTTP mode: GET /v1/init/{scheme} for one-step cases, POST /v1/programs otherwise
 *   --via-programs       HTTP mode: send one-step cases through POST /v1/programs too (as well as /v1/init)
 *   --only SUBSTR        run only cases whose id contains SUBSTR (repeatable)
 *   --concurrency K      HTTP mode: requests in flight (default 4)
 *   --details N          print at most N failure details (default 50)
 *   --quiet              no per-scheme tolerance table
 *
 * Exit status: 0 when every case passes, 1 otherwise (2 on usage errors).
 */
import { readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');

// ---------------------------------------------------------------- args
const argv = process.argv.slice(2);
const opts = { dirs: [], url: null, viaPrograms: false, only: [], concurrency: 4, details: 50, quiet: false };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const next = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
  if (a === '--url') opts.url = next().replace(/\/+$/, '');
  else if (a === '--via-programs') opts.viaPrograms = true;
  else if (a === '--only') opts.only.push(next());
  else if (a === '--concurrency') opts.concurrency = Math.max(1, Number(next()) | 0);
  else if (a === '--details') opts.details = Number(next()) | 0;
  else if (a === '--quiet') opts.quiet = true;
  else if (a === '-h' || a === '--help') usage();
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else opts.dirs.push(a);
}
function usage(msg) {
  if (msg) console.error(msg);
  console.error('usage: node tools/crosscheck/run_core.mjs [DIR|cases.json ...] [--url http://127.0.0.1:PORT] [--via-programs] [--only SUBSTR] [--concurrency K] [--details N] [--quiet]');
  process.exit(msg ? 2 : 0);
}
if (opts.dirs.length === 0) {
  const out = path.join(HERE, 'out');
  if (existsSync(out)) for (const d of readdirSync(out).sort()) if (existsSync(path.join(out, d, 'cases.json'))) opts.dirs.push(path.join(out, d));
  if (opts.dirs.length === 0) usage('no cases: run gen_cases.py first (see tools/crosscheck/README.md)');
}

// ---------------------------------------------------------------- cases
const cases = [];
for (const d of opts.dirs) {
  const file = statSync(d).isDirectory() ? path.join(d, 'cases.json') : d;
  const dir = path.dirname(file);
  const m = JSON.parse(readFileSync(file, 'utf8'));
  for (const c of m.cases) {
    if (opts.only.length && !opts.only.some((s) => c.id.includes(s))) continue;
    cases.push({ ...c, dir });
  }
}

// ---------------------------------------------------------------- decoding / comparison
const BYTES = { float32: 4, float64: 8, float16: 2, bfloat16: 2 };

function f16ToNumber(h) {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, m = h & 1023;
  return e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1024 + m) * 2 ** (e - 25);
}
const f32b = new Float32Array(1), u32b = new Uint32Array(f32b.buffer);
function bf16ToNumber(b) { u32b[0] = b << 16; return f32b[0]; }

/** {values: Float64Array, ord: (i) => BigInt monotone integer image of element i's bits} */
function decode(dtype, bytes) {
  const b = Buffer.from(bytes);
  const n = b.byteLength / BYTES[dtype];
  const values = new Float64Array(n);
  let ord;
  if (dtype === 'float64') {
    for (let i = 0; i < n; i++) values[i] = b.readDoubleLE(8 * i);
    ord = (i) => { const v = b.readBigInt64LE(8 * i); return v < 0n ? -(v & 0x7fffffffffffffffn) : v; };
  } else if (dtype === 'float32') {
    for (let i = 0; i < n; i++) values[i] = b.readFloatLE(4 * i);
    ord = (i) => { const v = b.readInt32LE(4 * i); return BigInt(v < 0 ? -(v & 0x7fffffff) : v); };
  } else {
    const conv = dtype === 'float16' ? f16ToNumber : bf16ToNumber;
    for (let i = 0; i < n; i++) values[i] = conv(b.readUInt16LE(2 * i));
    ord = (i) => { const v = b.readUInt16LE(2 * i); return BigInt(v & 0x8000 ? -(v & 0x7fff) : v); };
  }
  return { values, ord, bits: (i) => b.subarray(i * BYTES[dtype], (i + 1) * BYTES[dtype]).reverse().toString('hex') };
}

const sameNum = (x, y) => Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y));

/**
 * null when `got` matches `want` under `parity`, else a mismatch record. For tolerance outputs
 * `stats.maxRatio` receives the largest observed |diff| / bound.
 */
function compare(dtype, parity, got, want, stats) {
  if (got.byteLength !== want.byteLength) return { kind: 'length', text: `length ${got.byteLength} bytes, torch ${want.byteLength}` };
  const exact = parity === 'exact';
  if (Buffer.compare(Buffer.from(got.buffer, got.byteOffset, got.byteLength), want) === 0) {
    if (stats) stats.maxRatio = Math.max(stats.maxRatio ?? 0, 0);
    return null;
  }
  const g = decode(dtype, got), w = decode(dtype, want);
  const n = g.values.length;
  let bad = 0, first = -1, maxAbs = 0, maxUlp = 0n, differ = 0;
  for (let i = 0; i < n; i++) {
    const x = g.values[i], y = w.values[i];
    if (exact ? Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y) && g.bits(i) === w.bits(i)) : sameNum(x, y)) continue;
    if (!exact && x === y) continue; // +0 vs -0 within tolerance
    differ++;
    const d = Math.abs(x - y);
    const u = g.ord(i) - w.ord(i);
    const ua = u < 0n ? -u : u;
    if (ua > maxUlp) maxUlp = ua;
    if (d > maxAbs || Number.isNaN(d)) maxAbs = Number.isNaN(d) ? Infinity : d;
    const violates = exact || !(d <= parity.abs);
    if (violates) { bad++; if (first < 0) first = i; }
  }
  if (!exact && stats) stats.maxRatio = Math.max(stats.maxRatio ?? 0, maxAbs / parity.abs);
  if (!exact && stats) { stats.differ = (stats.differ ?? 0) + differ; }
  if (bad === 0) return null;
  const x = g.values[first], y = w.values[first];
  const u = g.ord(first) - w.ord(first);
  return {
    kind: 'values', bad, n, first, got: x, want: y, gotBits: g.bits(first), wantBits: w.bits(first),
    ulp: u.toString(), abs: Math.abs(x - y), maxAbs, maxUlp: maxUlp.toString(),
    text: `${bad}/${n} elements ${exact ? 'differ' : `outside abs ${parity.abs}`}; first at flat ${first}: got ${x} (0x${g.bits(first)}) torch ${y} (0x${w.bits(first)}), ${u} ulp, |diff| ${Math.abs(x - y)}; max |diff| ${maxAbs}, max ${maxUlp} ulp`,
  };
}

function unravel(i, shape) {
  const idx = new Array(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) { idx[d] = shape[d] ? i % shape[d] : 0; i = shape[d] ? Math.floor(i / shape[d]) : 0; }
  return idx;
}

// ---------------------------------------------------------------- reproducers
function pyRepr(v) {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' && Object.is(v, -0)) return '-0.0';
  return String(v);
}
function reproducer(c) {
  const lines = [`torch.manual_seed(${c.seed})`];
  c.steps.forEach((s, i) => {
    const kw = Object.entries(s.params ?? {}).map(([k, v]) => `, ${k}=${pyRepr(v)}`).join('');
    lines.push(`s${i} = torch.nn.init.${s.scheme}_(torch.empty(${JSON.stringify(s.shape)}, dtype=torch.${s.dtype})${kw})`);
  });
  return lines.join('; ');
}

// ---------------------------------------------------------------- core mode
let core;
async function loadCore() {
  const dist = path.join(ROOT, 'dist/src/core');
  if (!existsSync(path.join(dist, 'program.js'))) {
    console.error('dist/src/core/program.js is missing: run `npx tsc -p tsconfig.json` (or `npm run build`) first');
    process.exit(2);
  }
  const [program, dtype, errors] = await Promise.all([
    import(pathToFileURL(path.join(dist, 'program.js')).href),
    import(pathToFileURL(path.join(dist, 'dtype.js')).href),
    import(pathToFileURL(path.join(dist, 'errors.js')).href),
  ]);
  core = { ...program, tensorBytes: dtype.tensorBytes, TorchError: errors.TorchError };
}

function runCoreCase(c) {
  const program = {
    seed: BigInt(c.seed),
    steps: c.steps.map((s, i) => ({ name: `s${i}`, shape: s.shape, dtype: s.dtype, scheme: s.scheme, params: s.params })),
  };
  let outs, err;
  try {
    outs = core.runPlan(core.planProgram(program));
  } catch (e) {
    err = e;
  }
  if (c.error) {
    if (!err) return [{ what: 'error', text: `torch raises ${c.error_type}: ${c.error_text}; the core returned ${outs.length} tensor(s)` }];
    if (!(err instanceof core.TorchError)) return [{ what: 'error', text: `torch raises ${c.error_type}: ${c.error_text}; the core threw ${err.name}: ${err.message}` }];
    const want = `steps[0] (s0): ${c.error_text}`;
    const f = [];
    if (err.pyType !== c.error_type) f.push({ what: 'error type', text: `got ${err.pyType}, torch ${c.error_type}` });
    if (err.message !== want) f.push({ what: 'error text', text: `got ${JSON.stringify(err.message)}, torch ${JSON.stringify(want)}` });
    return f;
  }
  if (err) return [{ what: 'unexpected error', text: `${err.name}${err.pyType ? ` (${err.pyType})` : ''}: ${err.message}` }];
  if (outs.length !== c.outputs.length) return [{ what: 'outputs', text: `${outs.length} outputs, torch ${c.outputs.length}` }];
  const f = [];
  c.outputs.forEach((o, i) => {
    if (JSON.stringify(outs[i].shape) !== JSON.stringify(o.shape)) f.push({ what: `s${i} shape`, text: `[${outs[i].shape}] vs torch [${o.shape}]` });
    const st = statsFor(c.steps[i], o);
    const d = compare(o.dtype, o.parity, core.tensorBytes(outs[i]), readFileSync(path.join(c.dir, o.file)), st);
    if (d) f.push({ what: `s${i} ${c.steps[i].scheme} ${o.dtype} ${JSON.stringify(o.parity)}`, text: d.text, at: d.first >= 0 ? unravel(d.first, o.shape) : undefined, d });
  });
  return f;
}

// ---------------------------------------------------------------- HTTP mode
function qNum(v) {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}
/** JSON.stringify that keeps -0 (JSON.stringify writes 0). */
function jsonBody(obj) {
  const tag = '__crosscheck_negative_zero__';
  return JSON.stringify(obj, (_k, v) => (typeof v === 'number' && Object.is(v, -0) ? tag : v)).split(`"${tag}"`).join('-0');
}

async function httpFetch(url, init) {
  for (let attempt = 0; ; attempt++) {
    let res;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
    } catch (e) {
      if (attempt < 2) { await new Promise((r) => setTimeout(r, 500)); continue; }
      throw new Error(`${init?.method ?? 'GET'} ${url}: ${e.cause?.code ?? e.name}: ${e.cause?.message ?? e.message}`);
    }
    if (res.status === 503 && attempt < 8) {
      const ra = Number(res.headers.get('retry-after')) || 1;
      await res.arrayBuffer().catch(() => {});
      await new Promise((r) => setTimeout(r, Math.min(ra, 5) * 1000));
      continue;
    }
    const body = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, body };
  }
}

function problemDetail(r) {
  const ct = r.headers.get('content-type') ?? '';
  let doc;
  try { doc = JSON.parse(r.body.toString('utf8')); } catch { /* not JSON */ }
  return { ct, doc, detail: doc?.detail };
}

function describeUnexpected(r) {
  const { ct, doc } = problemDetail(r);
  const textual = /json|text/.test(ct);
  const s = doc ? JSON.stringify(doc) : textual ? r.body.subarray(0, 300).toString('utf8') : `<${r.body.byteLength} bytes>`;
  return `HTTP ${r.status} (${ct}): ${s.length > 400 ? s.slice(0, 400) + '…' : s}`;
}

const ST_DTYPE = { F32: 'float32', F64: 'float64', F16: 'float16', BF16: 'bfloat16' };
function parseSafetensors(buf) {
  if (buf.byteLength < 8) throw new Error(`safetensors body of ${buf.byteLength} bytes`);
  const hlen = Number(buf.readBigUInt64LE(0));
  if (8 + hlen > buf.byteLength) throw new Error(`safetensors header length ${hlen} beyond body (${buf.byteLength} bytes)`);
  const header = JSON.parse(buf.subarray(8, 8 + hlen).toString('utf8'));
  const base = 8 + hlen;
  const t = new Map();
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [b, en] = e.data_offsets;
    t.set(name, { dtype: ST_DTYPE[e.dtype] ?? e.dtype, shape: e.shape, bytes: buf.subarray(base + b, base + en) });
  }
  return { names: Object.keys(header).filter((k) => k !== '__metadata__'), tensors: t };
}

async function runHttpInit(c) {
  const s = c.steps[0];
  const q = new URLSearchParams();
  q.set('shape', s.shape.join(','));
  q.set('seed', String(c.seed));
  q.set('dtype', s.dtype);
  q.set('format', 'raw');
  for (const [k, v] of Object.entries(s.params ?? {})) q.set(k, qNum(v));
  const url = `${opts.url}/v1/init/${encodeURIComponent(s.scheme)}?${q}`;
  const r = await httpFetch(url);
  const f = [];
  if (c.error) {
    if (r.status !== 422) return [{ what: 'GET /v1/init error', text: `want 422 with detail ${JSON.stringify(c.error_text)}; ${describeUnexpected(r)}`, url }];
    const { ct, detail } = problemDetail(r);
    if (!ct.startsWith('application/problem+json')) f.push({ what: 'GET /v1/init error content-type', text: ct, url });
    if (detail !== c.error_text) f.push({ what: 'GET /v1/init error detail', text: `got ${JSON.stringify(detail)}, torch ${JSON.stringify(c.error_text)}`, url });
    return f;
  }
  if (r.status !== 200) return [{ what: 'GET /v1/init', text: describeUnexpected(r), url }];
  const o = c.outputs[0];
  const hs = r.headers.get('x-tensor-shape');
  if (hs !== null && hs !== s.shape.join(',')) f.push({ what: 'X-Tensor-Shape', text: `${JSON.stringify(hs)} vs ${JSON.stringify(s.shape.join(','))}`, url });
  const hd = r.headers.get('x-tensor-dtype');
  if (hd !== null && hd !== s.dtype) f.push({ what: 'X-Tensor-Dtype', text: `${hd} vs ${s.dtype}`, url });
  const d = compare(o.dtype, o.parity, r.body, readFileSync(path.join(c.dir, o.file)), statsFor(s, o));
  if (d) f.push({ what: `GET /v1/init ${s.scheme} ${o.dtype} ${JSON.stringify(o.parity)}`, text: d.text, at: d.first >= 0 ? unravel(d.first, o.shape) : undefined, url });
  return f;
}

async function runHttpProgram(c) {
  const body = {
    seed: String(c.seed),
    steps: c.steps.map((s, i) => ({ name: `s${i}`, shape: s.shape, dtype: s.dtype, scheme: s.scheme, params: s.params ?? {} })),
  };
  const url = `${opts.url}/v1/programs?format=safetensors`;
  const r = await httpFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: jsonBody(body) });
  const f = [];
  if (c.error) {
    const want = `steps[0] (s0): ${c.error_text}`;
    if (r.status !== 422) return [{ what: 'POST /v1/programs error', text: `want 422 with detail ${JSON.stringify(want)}; ${describeUnexpected(r)}` }];
    const { ct, detail } = problemDetail(r);
    if (!ct.startsWith('application/problem+json')) f.push({ what: 'POST /v1/programs error content-type', text: ct });
    if (detail !== want) f.push({ what: 'POST /v1/programs error detail', text: `got ${JSON.stringify(detail)}, torch ${JSON.stringify(want)}` });
    return f;
  }
  if (r.status !== 200) return [{ what: 'POST /v1/programs', text: describeUnexpected(r) }];
  let st;
  try { st = parseSafetensors(r.body); } catch (e) { return [{ what: 'POST /v1/programs safetensors', text: e.message }]; }
  const wantNames = c.steps.map((_, i) => `s${i}`);
  if (JSON.stringify(st.names) !== JSON.stringify(wantNames)) f.push({ what: 'safetensors names/order', text: `${JSON.stringify(st.names)} vs ${JSON.stringify(wantNames)}` });
  c.outputs.forEach((o, i) => {
    const t = st.tensors.get(`s${i}`);
    if (!t) return;
    if (t.dtype !== o.dtype) f.push({ what: `s${i} dtype`, text: `${t.dtype} vs ${o.dtype}` });
    if (JSON.stringify(t.shape) !== JSON.stringify(o.shape)) f.push({ what: `s${i} shape`, text: `${JSON.stringify(t.shape)} vs ${JSON.stringify(o.shape)}` });
    const d = compare(o.dtype, o.parity, t.bytes, readFileSync(path.join(c.dir, o.file)), statsFor(c.steps[i], o));
    if (d) f.push({ what: `POST /v1/programs s${i} ${c.steps[i].scheme} ${o.dtype} ${JSON.stringify(o.parity)}`, text: d.text, at: d.first >= 0 ? unravel(d.first, o.shape) : undefined });
  });
  return f;
}

async function runHttpCase(c) {
  if (c.steps.length === 1) {
    const f = await runHttpInit(c);
    if (opts.viaPrograms) f.push(...(await runHttpProgram(c)).map((x) => ({ ...x, what: `[programs] ${x.what}` })));
    return f;
  }
  return runHttpProgram(c);
}

// ---------------------------------------------------------------- tolerance statistics
const tolStats = new Map();
function statsFor(step, o) {
  if (o.parity === 'exact') return null;
  const k = `${step.scheme} ${o.dtype}`;
  if (!tolStats.has(k)) tolStats.set(k, { outputs: 0, maxRatio: 0, differ: 0, elements: 0 });
  const s = tolStats.get(k);
  s.outputs++;
  s.elements += o.shape.reduce((a, b) => a * b, 1);
  return s;
}

// ---------------------------------------------------------------- main
const t0 = performance.now();
const results = new Array(cases.length);
if (opts.url) {
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      try { results[i] = await runHttpCase(cases[i]); } catch (e) { results[i] = [{ what: 'exception', text: e.message }]; }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
} else {
  await loadCore();
  for (let i = 0; i < cases.length; i++) {
    try { results[i] = runCoreCase(cases[i]); } catch (e) { results[i] = [{ what: 'exception', text: e.stack ?? String(e) }]; }
  }
}
const secs = (performance.now() - t0) / 1000;

const failed = [];
cases.forEach((c, i) => { if (results[i].length) failed.push({ c, f: results[i] }); });
const mode = opts.url ? `HTTP ${opts.url}${opts.viaPrograms ? ' (+ programs)' : ''}` : 'core (dist/)';
let shown = 0;
for (const { c, f } of failed) {
  if (shown >= opts.details) break;
  shown++;
  console.log(`FAIL ${c.id}  (${c.dir})`);
  c.steps.forEach((s, i) => console.log(`  step s${i}: ${s.scheme} ${s.dtype} shape=${JSON.stringify(s.shape)} params=${JSON.stringify(s.params)}`));
  console.log(`  seed: ${c.seed}${c.error ? `   torch: ${c.error_type}: ${c.error_text}` : ''}`);
  for (const x of f) console.log(`  - ${x.what}: ${x.text}${x.at ? ` [index ${JSON.stringify(x.at)}]` : ''}${x.url ? `\n    ${x.url}` : ''}`);
  console.log(`  repro: ${reproducer(c)}`);
}
if (failed.length > shown) console.log(`… ${failed.length - shown} more failures not shown (--details N)`);

if (!opts.quiet && tolStats.size) {
  console.log('\ntolerance outputs: worst observed |diff| / bound (1.0 = at the bound)');
  for (const [k, s] of [...tolStats].sort()) {
    console.log(`  ${k.padEnd(24)} ${String(s.outputs).padStart(4)} outputs ${String(s.elements).padStart(9)} elements, ${String(s.differ).padStart(7)} not bit-identical, worst ratio ${s.maxRatio.toPrecision(3)}`);
  }
}
const nErr = cases.filter((c) => c.error).length;
console.log(`\n[${mode}] ${cases.length} cases (${nErr} torch errors, ${cases.filter((c) => c.steps.length > 1).length} multi-step) from ${opts.dirs.length} set(s) in ${secs.toFixed(1)} s`);
console.log(`${cases.length} cases, ${cases.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
