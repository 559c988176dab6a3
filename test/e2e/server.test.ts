// The real server process (dist/src/server.js, built by tap's `before`): start-up, JSON logs
// with request ids, graceful SIGTERM that drains in-flight work, and a clear bad-env error.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../../dist/src/server.js', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function start(env: Record<string, string>): { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exit };
}

async function waitHealthy(url: string, ms = 60000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become healthy');
}

t.test('serves, logs JSON with request ids, drains on SIGTERM', async (t) => {
  const port = await freePort();
  const s = start({ PORT: String(port), HOST: '127.0.0.1', WORKERS: '1', LOG_LEVEL: 'info' });
  t.teardown(() => { s.child.kill('SIGKILL'); });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  const h = await fetch(`${url}/healthz`);
  t.same(await h.json(), { status: 'ok' });
  const ready = await fetch(`${url}/readyz`);
  t.equal(ready.status, 200);
  const res = await fetch(`${url}/v1/init/kaiming_normal?shape=64,3,7,7&seed=42&format=npy`, { headers: { 'x-request-id': 'abc-123' } });
  t.equal(res.status, 200);
  t.equal(res.headers.get('x-request-id'), 'abc-123');
  t.equal((await res.arrayBuffer()).byteLength, 128 + 64 * 3 * 7 * 7 * 4);
  const inflight = fetch(`${url}/v1/init/orthogonal?shape=1024,1024&seed=9&format=raw`);
  await new Promise((r) => setTimeout(r, 150));
  s.child.kill('SIGTERM');
  const slow = await inflight;
  t.equal(slow.status, 200, 'the in-flight request completed');
  t.equal((await slow.arrayBuffer()).byteLength, 4 * 1024 * 1024);
  t.equal(await s.exit, 0, 'clean exit');
  const lines = s.out().trim().split('\n').map((l) => JSON.parse(l));
  t.ok(lines.some((l) => l.reqId === 'abc-123' && l.msg === 'request completed'), 'JSON log line with the request id');
  t.ok(lines.some((l) => /draining/.test(l.msg)), 'shutdown is logged');
});

t.test('a bad environment stops start-up with a message naming the variable', async (t) => {
  const s = start({ PORT: '8080', WORKERS: 'lots' });
  t.equal(await s.exit, 1);
  t.match(s.err(), /WORKERS must be a whole number/);
  const s2 = start({ PORT: '99999' });
  t.equal(await s2.exit, 1);
  t.match(s2.err(), /PORT must be between 0 and 65535/);
});
