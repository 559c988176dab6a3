// The worker pool under stress, over real HTTP with real worker threads: a killed worker,
// a full queue, the time limit, a client that leaves, and single-flight.
import t from 'tap';
import { until } from '../helpers/until.js';
import { listen, makeApp } from '../helpers/app.js';

t.test('killing the worker mid-request: a clean 500 problem, the pool heals', async (t) => {
  const { app, url } = await listen(t, { WORKERS: '1' });
  const pending = fetch(`${url}/v1/init/orthogonal?shape=1024,1024&seed=1&format=raw`);
  t.ok(await until(() => app.pool.piscina.utilization > 0 || app.pool.piscina.threads.some(() => true)), 'worker exists');
  await new Promise((r) => setTimeout(r, 150));
  for (const th of app.pool.piscina.threads) await th.terminate();
  const res = await pending;
  t.equal(res.status, 500);
  t.equal(res.headers.get('content-type'), 'application/problem+json');
  t.notOk(res.headers.get('cache-control'), 'no caching headers on a problem');
  const p = await res.json();
  t.equal(p.status, 500);
  t.notMatch(p.detail, /terminate|Error:|at /, 'no internals in the detail');
  const next = await fetch(`${url}/v1/init/orthogonal?shape=1024,1024&seed=1&format=raw`);
  t.equal(next.status, 200, 'the same request now succeeds: nothing was cached from the failure');
  t.equal((await next.arrayBuffer()).byteLength, 4 * 1024 * 1024);
});

t.test('a full queue answers 503 with Retry-After', async (t) => {
  const { url } = await listen(t, { WORKERS: '1', QUEUE_LIMIT: '1' });
  const reqs = Array.from({ length: 6 }, (_, i) => fetch(`${url}/v1/init/orthogonal?shape=512,512&seed=${i}&format=raw`));
  const res = await Promise.all(reqs);
  const statuses = res.map((r) => r.status);
  t.ok(statuses.includes(200), 'some were served');
  t.ok(statuses.includes(503), 'some were refused');
  for (const r of res) {
    t.ok(r.status === 200 || r.status === 503, `status ${r.status}`);
    if (r.status === 503) {
      t.equal(r.headers.get('retry-after'), '1');
      t.equal(r.headers.get('content-type'), 'application/problem+json');
    }
    await r.arrayBuffer();
  }
});

t.test('past the time limit: 504 and the work is cancelled', async (t) => {
  const app = await makeApp(t, { WORKERS: '1', REQUEST_TIMEOUT_MS: '100' });
  const r = await app.inject({ url: '/v1/init/orthogonal?shape=1024,1024&seed=3&format=raw' });
  t.equal(r.statusCode, 504);
  t.equal(r.headers['content-type'], 'application/problem+json');
  t.match(r.json().detail, /100 ms/);
  t.ok(await until(() => app.pool.cancelled === 1), 'the worker stopped the task');
  t.equal(app.pool.completed, 0);
});

t.test('a client that goes away cancels its work', async (t) => {
  const { app, url } = await listen(t, { WORKERS: '1' });
  const ac = new AbortController();
  const p = fetch(`${url}/v1/init/orthogonal?shape=1024,1024&seed=4&format=raw`, { signal: ac.signal }).catch((e) => e);
  await new Promise((r) => setTimeout(r, 200));
  ac.abort();
  await p;
  t.ok(await until(() => app.pool.cancelled === 1), 'the worker stopped the task');
  const ok = await fetch(`${url}/v1/init/uniform?shape=8&format=raw`);
  t.equal(ok.status, 200);
});

t.test('N identical concurrent requests run the work once', async (t) => {
  const { app, url } = await listen(t, { WORKERS: '2' });
  const u = `${url}/v1/init/normal?shape=512,512&seed=11&format=raw`;
  const res = await Promise.all(Array.from({ length: 10 }, () => fetch(u)));
  const bodies = await Promise.all(res.map((r) => r.arrayBuffer()));
  for (const r of res) t.equal(r.status, 200);
  for (const b of bodies) t.ok(Buffer.from(b).equals(Buffer.from(bodies[0])));
  t.equal(app.pool.completed, 1, 'one computation');
  t.equal(app.tensorCache.misses, 1);
  t.equal(app.tensorCache.shared + app.tensorCache.hits, 9);
});
