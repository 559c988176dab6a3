/**
 * HTTP benchmarks on loopback (not tests): starts the built server (dist/src/server.js) with
 * default WORKERS on a free port and drives it with wrk (2 threads, 4 connections — what the
 * outside check uses) when installed (`apt-get install wrk`), else autocannon (4 connections;
 * its JS HTTP parser caps large bodies at a few hundred MB/s, so its big-body figures are low):
 *  - the bare fastify hello-world peer of this run (bench/hello.mjs, its own process);
 *  - 304: GET /v1/init/uniform?shape=256,256&format=raw with a matching If-None-Match;
 *  - 256×256 float32 raw (the same URL: served from the response cache);
 *  - 1M float32 raw with a distinct seed per request (every request generates);
 *  - json 1M float32, distinct seeds, one connection: latency per request.
 * Floors (issue 4): distinct 1M raw ≥ 300 req/s; 256×256 ≥ 3000 req/s; 304 ≥ 0.8× hello-world;
 * json 1M ≤ 60 ms per request.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, drain, waitReady } from './lib.mjs';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SERVER = path.join(HERE, '..', 'dist', 'src', 'server.js');
const HELLO = path.join(HERE, 'hello.mjs');
const DURATION = Number(process.env.BENCH_SECONDS ?? 6);

const HAVE_WRK = spawnSync('wrk', ['--version']).error === undefined;

function unitBytes(n, u) {
  return n * ({ B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[u] ?? 1);
}

/** { rps, mbps, p50ms, non2xx } from wrk or autocannon. `seedPath`: distinct seeds via Lua. */
async function load(url, { headers = {}, seedPath, seconds = DURATION } = {}) {
  if (HAVE_WRK) {
    const args = ['-t2', '-c4', `-d${seconds}s`, '--latency'];
    for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
    if (seedPath) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'wrk-'));
      const lua = path.join(dir, 'seeds.lua');
      writeFileSync(lua, `counter = 0\nrequest = function()\n  counter = counter + 1\n  return wrk.format("GET", "${seedPath}" .. (counter * 7919 + math.random(1, 1000000000)))\nend\n`);
      args.push('-s', lua);
    }
    args.push(url);
    const out = execFileSync('wrk', args, { encoding: 'utf8' });
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
    const tr = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(out);
    const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(out);
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    return { tool: 'wrk', rps, mbps: unitBytes(Number(tr[1]), tr[2]) / 1e6, p50ms: p50 ? Number(p50[1]) * (p50[2] === 'us' ? 1e-3 : p50[2] === 's' ? 1e3 : 1) : NaN, non2xx };
  }
  let seed = 1_000_000;
  const opts = seedPath
    ? { url, requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `${seedPath}${seed++}` }) }] }
    : { url, headers };
  const res = await new Promise((resolve, reject) => {
    autocannon({ connections: 4, pipelining: 1, duration: seconds, ...opts }, (err, r) => (err ? reject(err) : resolve(r)));
  });
  return { tool: 'autocannon', rps: res.requests.average, mbps: res.throughput.average / 1e6, p50ms: res.latency.p50, non2xx: res.non2xx + res.errors };
}

export async function run({ log = console.log } = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // the service as `npm start` runs it (default LOG_LEVEL), its log discarded
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'inherit'] });
  const helloPort = await freePort();
  const helloUrl = `http://127.0.0.1:${helloPort}/`;
  const hello = spawn(process.execPath, [HELLO], { env: { ...process.env, PORT: String(helloPort) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const rows = [];
  try {
    await waitReady(url);
    for (let i = 0; i < 100 && (await fetch(helloUrl).then((r) => r.ok, () => false)) === false; i++) await new Promise((r) => setTimeout(r, 50));
    const section = `HTTP on loopback (${HAVE_WRK ? 'wrk, 2 threads' : 'autocannon'}, 4 connections, default WORKERS)`;

    // hello-world and 304 alternate over several rounds (this VM's speed drifts by ±20 % between
    // runs); each figure is the median of its rounds
    const small = `${url}/v1/init/uniform?shape=256,256&format=raw`;
    const etag = (await fetch(small)).headers.get('etag');
    const hellos = [];
    const nms = [];
    let tool = '';
    for (let r = 0; r < 3; r++) {
      const h = await load(helloUrl, { seconds: 3 });
      const n = await load(small, { headers: { 'If-None-Match': etag }, seconds: 3 });
      hellos.push(h.rps);
      nms.push(n.rps);
      tool = h.tool;
    }
    const mid = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const helloRps = mid(hellos);
    const nm = { rps: mid(nms) };
    log(`  bare fastify hello-world: ${helloRps} req/s (${tool})`);
    rows.push({ section, name: `bare fastify hello-world peer (bench/hello.mjs, own process; ${tool}, median of 3 rounds)`, value: helloRps, unit: 'req/s' });
    const ratio304 = nm.rps / helloRps;
    log(`  304: ${nm.rps} req/s (${ratio304.toFixed(2)}× hello-world)`);
    rows.push({ section, name: 'cached 304 (If-None-Match), 256×256, median of 3 rounds interleaved with the hello-world', value: nm.rps, unit: 'req/s', note: `${ratio304.toFixed(2)}× hello-world (floor ≥ 0.8×)`, floor: { text: 'cached 304 ≥ 0.8× hello-world', got: `${ratio304.toFixed(2)}×`, pass: ratio304 >= 0.8 } });

    const s256 = await load(small);
    log(`  256×256 raw: ${s256.rps} req/s`);
    rows.push({ section, name: '256×256 float32 raw (same URL, cached)', value: s256.rps, unit: 'req/s', note: `${s256.mbps.toFixed(0)} MB/s`, floor: { text: '256×256 ≥ 3000 req/s', got: `${Math.round(s256.rps)} req/s`, pass: s256.rps >= 3000 } });

    const big = await load(url, { seedPath: '/v1/init/uniform?shape=1024,1024&format=raw&seed=' });
    log(`  1M raw distinct: ${big.rps} req/s (${big.non2xx} non-2xx)`);
    rows.push({ section, name: '1M float32 raw (uniform), distinct seeds', value: big.rps, unit: 'req/s', note: `${big.mbps.toFixed(0)} MB/s, p50 ${big.p50ms.toFixed(1)} ms, ${big.non2xx} non-2xx`, floor: { text: '1M float32 raw distinct seeds ≥ 300 req/s', got: `${Math.round(big.rps)} req/s`, pass: big.rps >= 300 } });

    // latency of one request as curl sees it (node's own client adds ~30 ms reading 11 MB)
    const haveCurl = spawnSync('curl', ['--version']).error === undefined;
    const times = [];
    for (let i = 0; i < 20; i++) {
      const u = `${url}/v1/init/uniform?shape=1024,1024&format=json&seed=${7_000_000 + i}`;
      if (haveCurl) {
        const out = execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{time_total}', u], { encoding: 'utf8' });
        if (i >= 5) times.push(Number(out) * 1000); // the first five warm the JIT
      } else {
        const t0 = performance.now();
        await drain(u);
        if (i >= 5) times.push(performance.now() - t0);
      }
    }
    times.sort((a, b) => a - b);
    const med = times[times.length >> 1];
    log(`  json 1M: median ${med.toFixed(1)} ms/request`);
    rows.push({ section, name: `json 1M float32 (uniform, distinct seeds, 1 connection, ${haveCurl ? 'curl' : 'node http'})`, value: +med.toFixed(1), unit: 'ms', note: `median of ${times.length}`, floor: { text: 'json 1M float32 ≤ 60 ms per request', got: `${med.toFixed(1)} ms`, pass: med <= 60 } });
  } finally {
    child.kill('SIGTERM');
    hello.kill('SIGTERM');
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await run();
  for (const r of rows) console.log(`${r.name}: ${r.value} ${r.unit} ${r.note ?? ''}`);
}
