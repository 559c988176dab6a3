// A repeated conditional GET is answered 304 at the HTTP layer, before fastify (answerFromMemo):
// the same headers as a routed 304, no body, counted in the metrics, no work.
import t from 'tap';
import { listen } from '../helpers/app.js';

t.test('memo 304s over real HTTP: headers, empty body, metrics, no work', async (t) => {
  const { app, url } = await listen(t, { WORKERS: '1' });
  const u = `${url}/v1/init/normal?shape=64,64&seed=9&format=raw`;
  const first = await fetch(u);
  t.equal(first.status, 200);
  await first.arrayBuffer();
  const etag = first.headers.get('etag')!;
  const completed = app.pool.completed;
  const r = await fetch(u, { headers: { 'if-none-match': etag, 'x-request-id': 'revalidate-1' } });
  t.equal(r.status, 304);
  t.equal((await r.arrayBuffer()).byteLength, 0, 'no body');
  t.equal(r.headers.get('etag'), etag);
  t.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  t.equal(r.headers.get('vary'), 'Accept');
  t.equal(r.headers.get('x-request-id'), 'revalidate-1', 'the request id is echoed');
  t.notOk(r.headers.get('x-tensor-shape'), 'no representation headers on a 304');
  const head = await fetch(u, { method: 'HEAD', headers: { 'if-none-match': `"other", ${etag}` } });
  t.equal(head.status, 304, 'HEAD and a list of tags');
  t.ok(head.headers.get('x-request-id'), 'a generated request id');
  const miss = await fetch(u, { headers: { 'if-none-match': '"nope"' } });
  t.equal(miss.status, 200, 'a tag that does not match gets the body');
  await miss.arrayBuffer();
  t.equal(app.pool.completed, completed, 'no work for any of them (the 200 came from the cache)');
  const metrics = await (await fetch(`${url}/metrics`)).text();
  t.match(metrics, /tensor_not_modified_total\{route="\/v1\/init\/:scheme",scheme="normal",format="raw"\} 2/);
  t.match(metrics, /http_request_duration_seconds_count\{method="GET",route="\/v1\/init\/:scheme",status="304",scheme="normal",format="raw"\} 1/);
  t.match(metrics, /http_request_duration_seconds_count\{method="HEAD",route="\/v1\/init\/:scheme",status="304",scheme="normal",format="raw"\} 1/);
});
