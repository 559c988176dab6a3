// Presets stream while they are generated, by several threads (service/live-body.ts,
// worker/deferred.ts): over real HTTP with two real workers, every byte still equals torch
// (whole-body hashes from real torch), the transformer beside the drawer really ran, and a
// client that leaves or a worker that dies leaves the service healthy.
import t from 'tap';
import { createHash } from 'node:crypto';
import { until } from '../helpers/until.js';
import { listen } from '../helpers/app.js';
import { loadCases } from '../core/presets/_hashes.js';

const cases = loadCases('default_hashes.json');

t.test('streamed presets equal torch byte for byte (two workers, deferred transforms); a client that leaves', async (t) => {
  const { app, url } = await listen(t, { WORKERS: '2' });
  // (every preset's bytes are checked in test/core/presets; here: the biggest streamed one, and
  // two with many small deferred regions and ragged tails between plain steps)
  for (const model of ['resnet50', 'efficientnet_b0', 'mobilenet_v2']) {
    const c = cases.find((x) => x.model === model && Object.keys(x.options).length === 0)!;
    const res = await fetch(`${url}/v1/models/${model}?seed=${c.seed}`);
    t.equal(res.status, 200, model);
    const body = new Uint8Array(await res.arrayBuffer());
    t.equal(String(body.byteLength), res.headers.get('content-length'), `${model}: the whole body`);
    const header = Number(Buffer.from(body.buffer, body.byteOffset, 8).readBigUInt64LE(0));
    const data = body.subarray(8 + header);
    t.equal(createHash('sha256').update(data).digest('hex'), c.all, `${model}: every byte equals torch (seed ${c.seed})`);
  }
  t.ok(app.pool.transformedChunks > 0, `the transformer task did ${app.pool.transformedChunks} chunks beside the drawer`);

  // a client that leaves mid-stream: the work stops, the next request is whole
  const ac = new AbortController();
  const res = await fetch(`${url}/v1/models/resnet50?seed=5`, { signal: ac.signal });
  t.equal(res.status, 200);
  const reader = res.body!.getReader();
  await reader.read(); // the stream has started
  ac.abort();
  t.ok(await until(() => app.pool.piscina.utilization === 0 || app.pool.piscina.queueSize === 0), 'the pool settles');
  const again = await fetch(`${url}/v1/models/resnet18?seed=31337`);
  const c = cases.find((x) => x.model === 'resnet18' && Object.keys(x.options).length === 0)!;
  const body = new Uint8Array(await again.arrayBuffer());
  const header = Number(Buffer.from(body.buffer, body.byteOffset, 8).readBigUInt64LE(0));
  t.equal(createHash('sha256').update(body.subarray(8 + header)).digest('hex'), c.all, 'the next body is whole and exact');
});

t.test('a worker that dies mid-stream: the body ends short (never a whole-looking 200), the pool heals', async (t) => {
  const { app, url } = await listen(t, { WORKERS: '2' });
  const res = fetch(`${url}/v1/models/resnet50?seed=6`).then(async (r) => ({ status: r.status, length: Number(r.headers.get('content-length')), got: await r.arrayBuffer().then((b) => b.byteLength, () => -1) }));
  t.ok(await until(() => app.pool.piscina.utilization > 0), 'work started');
  for (const th of app.pool.piscina.threads) await th.terminate();
  const r = await res;
  if (r.status === 200) t.ok(r.got === -1 || r.got < r.length, `a started stream ends short (${r.got} of ${r.length} bytes) so the client sees the failure`);
  else t.equal(r.status, 500, 'before the first byte: a problem document');
  const next = await fetch(`${url}/v1/models/resnet18?seed=31337`);
  t.equal(next.status, 200, 'the pool healed');
  await next.arrayBuffer();
});

t.test('a client that leaves while the transformer still waits in the queue (its rejection is handled)', async (t) => {
  const { app, url } = await listen(t, { WORKERS: '2' });
  // one worker busy elsewhere: the drawer takes the other, the transformer task queues
  const busy = fetch(`${url}/v1/init/orthogonal?shape=1024,1024&seed=8&format=raw`).then((r) => r.arrayBuffer());
  t.ok(await until(() => app.pool.piscina.utilization > 0 || app.pool.piscina.threads.length > 0), 'a worker is busy');
  const ac = new AbortController();
  const res = fetch(`${url}/v1/models/resnet50?seed=11`, { signal: ac.signal }).catch((e: Error) => e);
  t.ok(await until(() => app.pool.piscina.queueSize > 0, 5000), 'the transformer is queued');
  ac.abort();
  await res;
  await busy;
  const again = await fetch(`${url}/v1/models/resnet18?seed=31337`);
  t.equal(again.status, 200, 'the service is still up');
  await again.arrayBuffer();
});
