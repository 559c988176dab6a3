// Zero-copy bodies: workers write tensors into reused shared slabs behind the header. Bodies must
// stay correct while slabs are evicted, reused and sent concurrently.
import t from 'tap';
import { listen } from '../helpers/app.js';
import { initTensor, planProgram, runPlan } from '../../src/core/program.js';
import { tensorBytes } from '../../src/core/dtype.js';

t.test('slab reuse under eviction keeps every body exact', async (t) => {
  const { app, url } = await listen(t, { WORKERS: '2', CACHE_BYTES: String(2 * 1024 * 1024) });
  const want = (seed: number) => Buffer.from(tensorBytes(initTensor(BigInt(seed), 'uniform', [256, 256], 'float32', { a: 0, b: 1 })));
  const get = async (seed: number) => Buffer.from(await (await fetch(`${url}/v1/init/uniform?shape=256,256&format=raw&seed=${seed}`)).arrayBuffer());
  for (let round = 0; round < 3; round++) {
    const seeds = Array.from({ length: 12 }, (_, i) => round * 100 + i);
    const bodies = await Promise.all(seeds.map(get));
    seeds.forEach((s, i) => t.ok(bodies[i].equals(want(s)), `seed ${s}`));
    await new Promise((r) => setTimeout(r, 20)); // past the release check (next event-loop turn)
  }
  t.ok(app.slabs.reused > 0, `slabs were reused (${app.slabs.reused} reuses, ${app.slabs.created} created)`);
  const again = await get(5);
  t.ok(again.equals(want(5)), 'an evicted body is generated again correctly');
});

t.test('npy and safetensors bodies written in place equal the encoders', async (t) => {
  const { url } = await listen(t, { WORKERS: '1' });
  const npy = Buffer.from(await (await fetch(`${url}/v1/init/normal?shape=300,300&seed=3&format=npy`)).arrayBuffer());
  const raw = Buffer.from(await (await fetch(`${url}/v1/init/normal?shape=300,300&seed=3&format=raw`)).arrayBuffer());
  t.equal(npy.length, 128 + raw.length);
  t.ok(npy.subarray(128).equals(raw));
  t.equal(npy.subarray(0, 6).toString('latin1'), '\x93NUMPY');
  const prog = await fetch(`${url}/v1/programs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: 1, steps: [{ name: 'h', shape: [3], dtype: 'float16', scheme: 'normal' }, { name: 'w', shape: [300, 300], scheme: 'uniform' }] }) });
  const body = Buffer.from(await prog.arrayBuffer());
  const n = Number(body.readBigUInt64LE(0));
  const header = JSON.parse(body.subarray(8, 8 + n).toString());
  t.same(header.w.data_offsets, [6, 6 + 360000], 'an unaligned float32 tensor after an odd float16 one');
  const w = body.subarray(8 + n + 6, 8 + n + 6 + 360000);
  const core = runPlan(planProgram({ seed: 1n, steps: [{ name: 'h', shape: [3], dtype: 'float16', scheme: 'normal' }, { name: 'w', shape: [300, 300], scheme: 'uniform' }] }));
  t.ok(w.equals(Buffer.from(tensorBytes(core[1]))), 'the unaligned tensor was copied into place exactly');
  t.ok(body.subarray(8 + n, 8 + n + 6).equals(Buffer.from(tensorBytes(core[0]))), 'the float16 tensor too');
});
