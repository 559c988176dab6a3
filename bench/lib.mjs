/** Shared by the HTTP benches: a free loopback port, and a lean GET that counts the body. */
import http from 'node:http';
import net from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

/** GET and count the body bytes without keeping them (undici's arrayBuffer() costs tens of ms on 10+ MB). */
export function drain(u) {
  return new Promise((resolve, reject) => {
    http.get(u, (res) => {
      let n = 0;
      res.on('data', (c) => (n += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`status ${res.statusCode}`))));
      res.on('error', reject);
    }).on('error', reject);
  });
}

export async function waitReady(url) {
  for (let i = 0; i < 600; i++) {
    try { if ((await fetch(`${url}/readyz`)).status === 200) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
}
