// Regression: an empty tensor with a huge leading dim (e.g. [10^8, 0]) has no element but would
// write 10^8 nested lists as JSON; the json limit counts those lists (413, not a 300 MB body).
import t from 'tap';
import { makeApp } from '../helpers/app.js';

t.test('nested empty lists count against the json limit', async (t) => {
  const app = await makeApp(t, { WORKERS: '1' });
  const r = await app.inject({ url: '/v1/init/zeros?shape=100000000,0' });
  t.equal(r.statusCode, 413);
  t.match(r.json().detail, /lists/);
  const raw = await app.inject({ url: '/v1/init/zeros?shape=100000000,0&format=raw' });
  t.equal(raw.statusCode, 200);
  t.equal(raw.rawPayload.length, 0);
  const small = await app.inject({ url: '/v1/init/zeros?shape=3,0' });
  t.same(small.json().data, [[], [], []]);
});

t.test('bfloat16 programs cannot be npz (406), json lists counted', async (t) => {
  const app = await makeApp(t, { WORKERS: '1' });
  const r = await app.inject({ method: 'POST', url: '/v1/programs?format=npz', payload: { steps: [{ name: 'w', shape: [4], dtype: 'bfloat16', scheme: 'ones' }] } });
  t.equal(r.statusCode, 406);
  const j = await app.inject({ method: 'POST', url: '/v1/programs?format=json', payload: { steps: [{ name: 'w', shape: [100000000, 0], scheme: 'zeros' }] } });
  t.equal(j.statusCode, 413);
});

t.test('a tensor of exactly the json limit still fits (its 1024 lists do not count against it)', async (t) => {
  const app = await makeApp(t, { WORKERS: '1' });
  const r = await app.inject({ url: '/v1/init/uniform?shape=1024,1024&format=json' });
  t.equal(r.statusCode, 200);
  t.equal(r.json().data.length, 1024);
  const over = await app.inject({ url: '/v1/init/uniform?shape=1024,1025&format=json' });
  t.equal(over.statusCode, 413);
});
