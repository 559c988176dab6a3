// Errors raised before routing, over a raw socket: malformed request line (400), headers too
// large (431), URL too long (414) — all as problem documents.
import t from 'tap';
import net from 'node:net';
import { listen } from '../helpers/app.js';

function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    let out = '';
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('end', () => resolve(out));
    s.on('close', () => resolve(out));
    s.on('error', reject);
    s.setTimeout(10000, () => { s.destroy(); resolve(out); });
  });
}

t.test('pre-routing errors are problem documents', async (t) => {
  const { app, url } = await listen(t, { WORKERS: '1' });
  const port = (app.server.address() as net.AddressInfo).port;
  const bad = await rawRequest(port, 'GARBAGE / HTTP/1.1\r\n\r\n');
  t.match(bad, /^HTTP\/1\.1 400/);
  t.match(bad, /application\/problem\+json/);
  t.match(bad, /"status":400/);
  const big = await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`);
  t.match(big, /^HTTP\/1\.1 431/);
  t.match(big, /"status":431/);
  const long = await fetch(`${url}/v1/init/normal?shape=3&seed=${'1'.repeat(9000)}`);
  t.equal(long.status, 414);
  t.equal(long.headers.get('content-type'), 'application/problem+json');
  const ok = await fetch(`${url}/healthz`);
  t.equal(ok.status, 200, 'the server is fine afterwards');
});
