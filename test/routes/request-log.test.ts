// The request log: one JSON line per completed request, with its id; probes, scrapes and 304s
// only at debug.
import t, { type Test } from 'tap';
import { Writable } from 'node:stream';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { WORKER_FILE } from '../helpers/app.js';

async function appWithLog(t: Test, level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l)); cb(); } });
  const app = await buildApp(loadConfig({ WORKERS: '1' }, { workerFile: WORKER_FILE }), { logger: { level, stream } });
  t.teardown(() => app.close());
  await app.ready();
  return { app, lines };
}

t.test('one info line per request; probes and 304s at debug', async (t) => {
  const { app, lines } = await appWithLog(t, 'info');
  const url = '/v1/init/uniform?shape=4,4&seed=1&format=raw';
  const first = await app.inject({ url, headers: { 'x-request-id': 'r-1' } });
  await app.inject({ url, headers: { 'if-none-match': String(first.headers.etag) } });
  await app.inject({ url: '/healthz' });
  await app.inject({ url: '/metrics' });
  const done = lines.filter((l) => l.msg === 'request completed');
  t.equal(done.length, 1, 'only the 200 at info');
  t.equal(done[0].reqId, 'r-1');
  t.same(done[0].res, { statusCode: 200 });
  t.same(done[0].req, { method: 'GET', url });
  t.notOk(lines.some((l) => l.msg === 'incoming request'), 'no second line per request');
  const dbg = await appWithLog(t, 'debug');
  await dbg.app.inject({ url: '/healthz' });
  t.ok(dbg.lines.some((l) => l.msg === 'request completed' && (l.req as { url: string }).url === '/healthz'), 'probes at debug');
});
