// End to end over real HTTP (real worker threads): every fixture case of ../shared, single-step
// cases through GET /v1/init/{scheme}?format=raw, multi-step ones through POST /v1/programs.
import t from 'tap';
import { listen, qv } from '../helpers/app.js';
import { loadTorchManifest, readFixtureBytes, compareBytes } from '../helpers/shared.js';
import { parseSafetensors } from '../helpers/safetensors.js';

const { cases } = loadTorchManifest();

t.test('all fixture cases over HTTP', async (t) => {
  const { url } = await listen(t);
  let checked = 0;
  for (const c of cases) {
    if (c.steps.length === 1) {
      const s = c.steps[0];
      const q = new URLSearchParams({ shape: s.shape.join(','), seed: String(c.seed), dtype: s.dtype, format: 'raw' });
      for (const [k, v] of Object.entries(s.params)) q.set(k, qv(v));
      const res = await fetch(`${url}/v1/init/${s.scheme}?${q}`);
      const body = new Uint8Array(await res.arrayBuffer());
      if (c.error) {
        const p = JSON.parse(Buffer.from(body).toString('utf8'));
        t.equal(res.status, 422, `${c.id}: 422`);
        t.equal(res.headers.get('content-type'), 'application/problem+json', `${c.id}: problem`);
        t.equal(p.detail, c.error_text, `${c.id}: PyTorch's text`);
      } else {
        t.equal(res.status, 200, `${c.id}: 200`);
        t.equal(res.headers.get('x-tensor-shape'), s.shape.join(','), `${c.id}: shape header`);
        t.equal(compareBytes(s.dtype, c.outputs[0].parity, body, readFixtureBytes(c.outputs[0].file)), null, `${c.id} bytes`);
      }
    } else {
      const steps = c.steps.map((s, i) => ({ name: `s${i}`, shape: s.shape, dtype: s.dtype, scheme: s.scheme, params: s.params }));
      const res = await fetch(`${url}/v1/programs?format=safetensors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: String(c.seed), steps }) });
      t.equal(res.status, 200, `${c.id}: 200`);
      const st = parseSafetensors(new Uint8Array(await res.arrayBuffer()));
      c.outputs.forEach((o, i) => {
        const e = st.get(`s${i}`)!;
        t.same(e.shape, o.shape, `${c.id} s${i} shape`);
        t.equal(compareBytes(o.dtype, o.parity, e.bytes, readFixtureBytes(o.file)), null, `${c.id} s${i} bytes`);
      });
    }
    checked++;
  }
  t.equal(checked, cases.length, 'every case went through HTTP');
});
