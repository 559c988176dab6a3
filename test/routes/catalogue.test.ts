// Schemes, gains, health/readiness, metrics, unknown routes and methods.
import t from 'tap';
const tap = t;
import { makeApp, sharedApp } from '../helpers/app.js';
import { readFileSync } from 'node:fs';
import { SHARED_DIR } from '../helpers/shared.js';

t.test('GET /v1/schemes lists every scheme with parity and the limits', async (t) => {
  const app = await makeApp(t, { LIMIT_JSON_ELEMENTS: '123' });
  const r = await app.inject({ url: '/v1/schemes' });
  t.equal(r.statusCode, 200);
  const j = r.json();
  t.same(j.schemes.map((s: { name: string }) => s.name).sort(), ['constant', 'dirac', 'eye', 'kaiming_normal', 'kaiming_uniform', 'normal', 'ones', 'orthogonal', 'sparse', 'trunc_normal', 'uniform', 'xavier_normal', 'xavier_uniform', 'zeros']);
  t.equal(j.limits.json_elements, 123);
  const tn = await app.inject({ url: '/v1/schemes/trunc_normal' });
  t.same(tn.json().parity, { float32: 'tolerance', float64: 'tolerance', float16: 'unsupported', bfloat16: 'exact' });
  t.same(tn.json().params.map((p: { name: string; default: unknown }) => [p.name, p.default]), [['mean', 0], ['std', 1], ['a', -2], ['b', 2]]);
  const eye = await app.inject({ url: '/v1/schemes/eye' });
  t.equal(eye.json().parity.bfloat16, 'unsupported');
  const nf = await app.inject({ url: '/v1/schemes/nope' });
  t.equal(nf.statusCode, 404);
  t.match(nf.json().detail, /kaiming_normal/);
});

t.test('GET /v1/gain matches calculate_gain for every row of gains.json', async (t) => {
  const app = await sharedApp(tap);
  const g = JSON.parse(readFileSync(`${SHARED_DIR}/fixtures/torch/gains.json`, 'utf8'));
  for (const row of g.gains) {
    const q = row.param === null ? '' : `?param=${row.param}`;
    const r = await app.inject({ url: `/v1/gain/${row.nonlinearity}${q}` });
    t.equal(r.statusCode, 200);
    t.equal(r.json().gain, row.gain, `${row.nonlinearity} ${row.param}`);
  }
  const bad = await app.inject({ url: '/v1/gain/gelu' });
  t.equal(bad.statusCode, 404);
  t.match(bad.json().detail, /Unsupported nonlinearity gelu/);
  const b = await app.inject({ url: '/v1/gain/leaky_relu?param=true' });
  t.equal(b.statusCode, 422);
  t.equal(b.json().detail, 'negative_slope True not a valid number');
});

t.test('health, readiness, metrics', async (t) => {
  const app = await makeApp(t);
  const h = await app.inject({ url: '/healthz' });
  t.same(h.json(), { status: 'ok' });
  const r = await app.inject({ url: '/readyz' });
  t.equal(r.statusCode, 200);
  t.equal(r.json().workers, 2);
  await app.inject({ url: '/v1/init/normal?shape=64,64&format=raw' });
  const cached = await app.inject({ url: '/v1/init/normal?shape=64,64&format=raw' });
  await app.inject({ url: '/v1/init/normal?shape=64,64&format=raw', headers: { 'if-none-match': cached.headers.etag as string } });
  const m = await app.inject({ url: '/metrics' });
  t.equal(m.statusCode, 200);
  t.match(m.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  t.match(m.body, /http_request_duration_seconds_bucket\{[^}]*route="\/v1\/init\/:scheme"[^}]*scheme="normal"[^}]*format="raw"/);
  t.match(m.body, /tensor_cache_requests_total\{result="hit"\} 1/);
  t.match(m.body, /tensor_cache_requests_total\{result="miss"\} 1/);
  t.match(m.body, /tensor_not_modified_total\{[^}]*\} 1/);
  t.match(m.body, /tensor_generated_bytes_total\{route="\/v1\/init\/:scheme",scheme="normal",format="raw"\} 16384/);
  t.match(m.body, /pool_queue_depth 0/);
  t.match(m.body, /pool_utilization /);
});

t.test('unknown routes 404 with the list; wrong methods 405 with Allow; long URLs 414', async (t) => {
  const app = await sharedApp(tap);
  const nf = await app.inject({ url: '/v2/nothing' });
  t.equal(nf.statusCode, 404);
  t.equal(nf.headers['content-type'], 'application/problem+json');
  t.match(nf.json().detail, /GET \/v1\/init\/:scheme/);
  const m = await app.inject({ method: 'DELETE', url: '/v1/init/normal' });
  t.equal(m.statusCode, 405);
  t.match(m.headers.allow as string, /GET/);
  const p = await app.inject({ method: 'GET', url: '/v1/programs' });
  t.equal(p.statusCode, 405);
  t.equal(p.headers.allow, 'POST');
  const long = await app.inject({ url: `/v1/init/normal?shape=3&seed=${'x'.repeat(9000)}` });
  t.equal(long.statusCode, 414);
  t.equal(long.headers['content-type'], 'application/problem+json');
  const badJson = await app.inject({ method: 'POST', url: '/v1/init', headers: { 'content-type': 'application/json' }, payload: '{"scheme":' });
  t.equal(badJson.statusCode, 400);
  t.equal(badJson.headers['content-type'], 'application/problem+json');
  const big = await app.inject({ method: 'POST', url: '/v1/programs', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ steps: [{ name: 'a', shape: [1], scheme: 'data', params: { values: new Array(300000).fill(1.5) } }] }) });
  t.equal(big.statusCode, 413);
  t.match(big.json().detail, /1048576 bytes/);
});
