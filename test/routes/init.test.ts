// GET /v1/init/{scheme} and POST /v1/init through app.inject (real worker threads).
import t from 'tap';
const tap = t;
import { createHash } from 'node:crypto';
import { makeApp, sharedApp } from '../helpers/app.js';
import { initTensor } from '../../src/core/program.js';
import { tensorBytes } from '../../src/core/dtype.js';
import { parseSafetensors } from '../helpers/safetensors.js';

t.test('raw kaiming_normal equals the core, with the tensor headers', async (t) => {
  const app = await sharedApp(tap);
  const res = await app.inject({ url: '/v1/init/kaiming_normal?shape=64,3,7,7&seed=42&format=raw' });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/octet-stream');
  t.equal(res.headers['x-tensor-shape'], '64,3,7,7');
  t.equal(res.headers['x-tensor-dtype'], 'float32');
  t.equal(res.headers['x-seed'], '42');
  t.equal(res.headers['x-generator'], 'torch');
  t.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  t.equal(res.headers.vary, 'Accept');
  t.match(res.headers.etag, /^"[A-Za-z0-9_-]+"$/);
  t.equal(res.headers['content-disposition'], 'inline; filename="kaiming_normal-64x3x7x7-seed42.bin"');
  const want = tensorBytes(initTensor(42n, 'kaiming_normal', [64, 3, 7, 7], 'float32', { a: 0, mode: 'fan_in', nonlinearity: 'leaky_relu' }));
  t.ok(Buffer.from(want).equals(res.rawPayload), 'bytes equal the core');
});

t.test('json: resolved params, canonical seed, nested data', async (t) => {
  const app = await sharedApp(tap);
  const res = await app.inject({ url: '/v1/init/uniform?shape=2,3&seed=-1&a=-1&b=1' });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/json');
  const j = res.json();
  t.equal(j.scheme, 'uniform');
  t.same(j.shape, [2, 3]);
  t.equal(j.dtype, 'float32');
  t.equal(j.seed, '18446744073709551615');
  t.equal(j.generator, 'torch');
  t.same(j.params, { a: -1, b: 1 });
  t.match(res.body, /"params":\{"a":-1\.0,"b":1\.0\}/, 'float params print as floats');
  t.equal(j.data.length, 2);
  t.equal(j.data[0].length, 3);
  const raw = await app.inject({ url: '/v1/init/uniform?shape=2,3&seed=-1&a=-1&b=1&format=raw' });
  const f = new Float32Array(raw.rawPayload.buffer.slice(raw.rawPayload.byteOffset, raw.rawPayload.byteOffset + 24));
  t.same(j.data.flat().map((x: number) => Math.fround(x)), Array.from(f), 'json values = raw values');
});

t.test('0-d and empty tensors', async (t) => {
  const app = await sharedApp(tap);
  const s = await app.inject({ url: '/v1/init/ones?shape=' });
  t.equal(s.statusCode, 200);
  t.equal(s.json().data, 1);
  t.equal(s.headers['x-tensor-shape'], '');
  const e = await app.inject({ url: '/v1/init/normal?shape=0,5&format=raw' });
  t.equal(e.statusCode, 200);
  t.equal(e.rawPayload.length, 0);
  const ej = await app.inject({ url: '/v1/init/normal?shape=2,0' });
  t.same(ej.json().data, [[], []]);
});

t.test('ETag: 304 on If-None-Match before any work; differs per format; HEAD', async (t) => {
  const app = await sharedApp(tap);
  const url = '/v1/init/normal?shape=1000&seed=7&format=npy';
  const a = await app.inject({ url });
  const etag = a.headers.etag as string;
  const b = await app.inject({ url, headers: { 'if-none-match': etag } });
  t.equal(b.statusCode, 304);
  t.equal(b.body, '');
  t.equal(b.headers.etag, etag);
  t.equal(b.headers['cache-control'], 'public, max-age=31536000, immutable');
  const c = await app.inject({ url: url.replace('npy', 'raw') });
  t.not(c.headers.etag, etag, 'the ETag hashes the format');
  const h = await app.inject({ method: 'HEAD', url });
  t.equal(h.statusCode, 200);
  t.equal(h.body, '');
  t.equal(h.headers['content-length'], String(a.rawPayload.length), 'HEAD has the GET length');
  t.equal(h.headers.etag, etag);
  const hj = await app.inject({ method: 'HEAD', url: '/v1/init/normal?shape=10&seed=7' });
  const gj = await app.inject({ url: '/v1/init/normal?shape=10&seed=7' });
  t.equal(hj.headers['content-length'], String(gj.rawPayload.length), 'HEAD json length');
});

t.test('Range on binary formats', async (t) => {
  const app = await sharedApp(tap);
  const url = '/v1/init/uniform?shape=100&format=raw';
  const full = await app.inject({ url });
  t.equal(full.headers['accept-ranges'], 'bytes');
  const r = await app.inject({ url, headers: { range: 'bytes=8-15' } });
  t.equal(r.statusCode, 206);
  t.equal(r.headers['content-range'], 'bytes 8-15/400');
  t.ok(r.rawPayload.equals(full.rawPayload.subarray(8, 16)));
  const s = await app.inject({ url, headers: { range: 'bytes=-4' } });
  t.ok(s.rawPayload.equals(full.rawPayload.subarray(396)));
  const bad = await app.inject({ url, headers: { range: 'bytes=400-' } });
  t.equal(bad.statusCode, 416);
  t.equal(bad.headers['content-range'], 'bytes */400');
  t.equal(bad.headers['content-type'], 'application/problem+json');
});

t.test('named seeds and seed forms', async (t) => {
  const app = await sharedApp(tap);
  const named = await app.inject({ url: '/v1/init/normal?shape=4&seed=my%20experiment&format=raw' });
  const d = createHash('sha256').update('my experiment', 'utf8').digest();
  t.equal(named.headers['x-seed'], d.readBigUInt64LE(0).toString());
  const lead = await app.inject({ url: '/v1/init/normal?shape=4&seed=0042&format=raw' });
  t.equal(lead.headers['x-seed'], '42');
  const big = await app.inject({ url: '/v1/init/normal?shape=4&seed=18446744073709551615&format=raw' });
  const neg = await app.inject({ url: '/v1/init/normal?shape=4&seed=-1&format=raw' });
  t.ok(big.rawPayload.equals(neg.rawPayload), '-1 ≡ 2^64-1');
  for (const seed of ['18446744073709551616', '-9223372036854775809', '']) {
    const r = await app.inject({ url: `/v1/init/normal?shape=4&seed=${seed}` });
    t.equal(r.statusCode, 400, `seed '${seed}' is 400`);
    t.equal(r.headers['content-type'], 'application/problem+json');
  }
  const body = await app.inject({ method: 'POST', url: '/v1/init', payload: { scheme: 'normal', shape: [4], seed: 2 ** 53, format: 'raw' } });
  t.equal(body.statusCode, 400, 'an unsafe JSON number seed is 400');
  const ok = await app.inject({ method: 'POST', url: '/v1/init', payload: { scheme: 'normal', shape: [4], seed: '42', format: 'raw' } });
  t.ok(ok.rawPayload.equals(lead.rawPayload), 'string seed in a body');
});

t.test('POST /v1/init equals GET', async (t) => {
  const app = await sharedApp(tap);
  const g = await app.inject({ url: '/v1/init/kaiming_uniform?shape=16,8,3,3&seed=5&mode=FAN_OUT&nonlinearity=relu&format=safetensors' });
  const p = await app.inject({ method: 'POST', url: '/v1/init', payload: { scheme: 'kaiming_uniform', shape: [16, 8, 3, 3], seed: 5, format: 'safetensors', params: { mode: 'FAN_OUT', nonlinearity: 'relu' } } });
  t.equal(p.statusCode, 200);
  t.ok(p.rawPayload.equals(g.rawPayload));
  t.equal(p.headers.etag, g.headers.etag, 'same canonical request, same ETag');
  const st = parseSafetensors(new Uint8Array(p.rawPayload));
  t.same(st.order, ['weight']);
  t.same(st.get('weight')!.shape, [16, 8, 3, 3]);
});

t.test('content negotiation', async (t) => {
  const app = await sharedApp(tap);
  const npy = await app.inject({ url: '/v1/init/zeros?shape=3', headers: { accept: 'application/x-npy' } });
  t.equal(npy.headers['content-type'], 'application/x-npy');
  const any = await app.inject({ url: '/v1/init/zeros?shape=3', headers: { accept: '*/*' } });
  t.equal(any.headers['content-type'], 'application/json');
  const no = await app.inject({ url: '/v1/init/zeros?shape=3', headers: { accept: 'image/png' } });
  t.equal(no.statusCode, 406);
  const bf = await app.inject({ url: '/v1/init/zeros?shape=3&dtype=bfloat16&format=npy' });
  t.equal(bf.statusCode, 406);
  t.match(bf.json().detail, /safetensors/);
});

t.test('bad input: 400/404/413/422 problem documents, never 500', async (t) => {
  const app = await makeApp(t, { LIMIT_JSON_ELEMENTS: '1000' });
  const cases: [string, number, RegExp | string][] = [
    ['/v1/init/normal?shape=-1,3', 400, /shape/],
    ['/v1/init/normal?shape=3.0', 400, /shape/],
    ['/v1/init/normal?shape=1e3', 400, /shape/],
    ['/v1/init/normal?shape=%203', 400, /shape/],
    ['/v1/init/normal', 400, /shape/],
    ['/v1/init/nope?shape=3', 404, /uniform/],
    ['/v1/init/normal?shape=3&gain=2', 400, /gain/],
    ['/v1/init/normal?shape=3&bogus=2', 400, /bogus/],
    ['/v1/init/normal?shape=3&std=abc', 400, /std/],
    ['/v1/init/normal?shape=3&dtype=int8', 400, /dtype/],
    ['/v1/init/normal?shape=3&generator=jax', 400, /generator/],
    ['/v1/init/normal?shape=3&shape=4', 400, /more than once/],
    ['/v1/init/xavier_uniform?shape=5', 422, 'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions'],
    ['/v1/init/dirac?shape=3,3', 422, 'Only tensors with 3, 4, or 5 dimensions are supported'],
    ['/v1/init/sparse?shape=3,3,3&sparsity=0.5', 422, 'Only tensors with 2 dimensions are supported'],
    ['/v1/init/sparse?shape=3,3&sparsity=inf', 422, 'cannot convert float infinity to integer'],
    ['/v1/init/trunc_normal?shape=3&std=0', 422, 'float division by zero'],
    ['/v1/init/normal?shape=3&std=-1', 422, 'normal expects std >= 0.0, but found std -1'],
    ['/v1/init/kaiming_normal?shape=3,3&nonlinearity=gelu', 422, 'Unsupported nonlinearity gelu'],
    ['/v1/init/kaiming_normal?shape=3,3&a=true', 422, 'negative_slope True not a valid number'],
    ['/v1/init/eye?shape=3,3,3', 422, 'Only tensors with 2 dimensions are supported'],
    ['/v1/init/constant?shape=3', 400, /val/],
    ['/v1/init/normal?shape=2000', 413, /1000/],
  ];
  for (const [url, status, detail] of cases) {
    const r = await app.inject({ url });
    t.equal(r.statusCode, status, `${url} → ${status}`);
    t.equal(r.headers['content-type'], 'application/problem+json', `${url} problem+json`);
    t.notOk(r.headers['cache-control'], `${url}: no cache headers on problems`);
    const p = r.json();
    t.equal(p.status, status);
    if (typeof detail === 'string') t.equal(p.detail, detail, url);
    else t.match(p.detail, detail, url);
    if (status === 400) t.ok(Array.isArray(p.errors) && p.errors.length > 0, `${url}: errors[]`);
  }
  const big = await app.inject({ url: '/v1/init/normal?shape=2000' });
  t.match(big.json().detail, /binary format/);
});

t.test('a repeated conditional GET is answered from the ETag memo with the full 304 headers', async (t) => {
  const app = await sharedApp(tap);
  const url = '/v1/init/xavier_normal?shape=32,32&seed=5&format=safetensors';
  const a = await app.inject({ url });
  const etag = a.headers.etag as string;
  for (let i = 0; i < 3; i++) {
    const b = await app.inject({ url, headers: { 'if-none-match': `"other", ${etag}` } });
    t.equal(b.statusCode, 304);
    t.equal(b.body, '');
    t.equal(b.headers.etag, etag);
    t.equal(b.headers['cache-control'], 'public, max-age=31536000, immutable');
    t.equal(b.headers.vary, 'Accept');
    t.notOk(b.headers['x-seed'], 'no representation metadata on a 304 (RFC 9110 §15.4.5)');
  }
  const other = await app.inject({ url, headers: { 'if-none-match': '"nope"' } });
  t.equal(other.statusCode, 200, 'a non-matching tag gets the body');
  const accept = await app.inject({ url: '/v1/init/xavier_normal?shape=32,32&seed=5', headers: { accept: 'application/x-npy', 'if-none-match': etag } });
  t.equal(accept.statusCode, 200, 'another representation (npy) does not match the safetensors tag');
});

t.test('big json bodies encoded in parallel slices equal the single-pass encoder', async (t) => {
  const app = await sharedApp(tap);
  const { encodeTensorJson } = await import('../../src/core/encode/index.js');
  // cheap schemes are regenerated by each slice worker; trunc_normal/orthogonal go through a shared slab
  for (const [shape, q] of [[[512, 300], 'normal?shape=512,300&seed=4'], [[200000], 'uniform?shape=200000&seed=9&a=-3&b=0.5'], [[3, 50000], 'kaiming_uniform?shape=3,50000&seed=2'], [[400, 400], 'trunc_normal?shape=400,400&seed=6&std=0.02'], [[400, 400], 'orthogonal?shape=400,400&seed=8']] as const) {
    const r = await app.inject({ url: `/v1/init/${q}&format=json` });
    t.equal(r.statusCode, 200, q);
    const scheme = q.split('?')[0];
    const j = r.json();
    const core = initTensor(BigInt(j.seed), scheme, [...shape], 'float32', j.params);
    const want = encodeTensorJson(core, { scheme, shape: [...shape], dtype: 'float32', seed: j.seed, generator: 'torch', params: j.params }, new Set(Object.keys(j.params).filter((k) => !['mode', 'nonlinearity'].includes(k))));
    t.ok(r.rawPayload.equals(want), `${q}: byte-identical`);
  }
});
