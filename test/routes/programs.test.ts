// POST /v1/programs: steps form, outputs in state_dict order, re-initialisation, views,
// data/copy/int64, formats and the errors naming the step.
import t from 'tap';
const tap = t;
import { makeApp, sharedApp } from '../helpers/app.js';
import { parseSafetensors } from '../helpers/safetensors.js';
import { planProgram, runPlan } from '../../src/core/program.js';
import { tensorBytes } from '../../src/core/dtype.js';

const steps = [
  { name: 'conv.weight', shape: [8, 3, 3, 3], scheme: 'kaiming_uniform', params: { a: 2.23606797749979 } },
  { name: 'conv.bias', shape: [8], scheme: 'uniform', params: { a: -0.19245008972987526, b: 0.19245008972987526 } },
  { name: 'conv.weight', shape: [8, 3, 3, 3], scheme: 'kaiming_normal', params: { mode: 'fan_out', nonlinearity: 'relu' } },
  { name: 'bn.running_mean', shape: [8], scheme: 'zeros' },
  { name: 'bn.num_batches_tracked', shape: [], dtype: 'int64', scheme: 'zeros' },
  { name: 'emb', shape: [5, 4], scheme: 'normal' },
  { name: 'emb', shape: [5, 4], scheme: 'zeros', view: { offset: 8, shape: [4], stride: [1] } },
  { name: 'idx', shape: [2, 2], dtype: 'int64', scheme: 'data', params: { values: [3, 1, 2, 0] } },
  { name: 'idx2', shape: [2, 2], dtype: 'int64', scheme: 'copy', params: { from: 'idx' } },
];

t.test('safetensors in first-appearance order, equal to the core', async (t) => {
  const app = await sharedApp(tap);
  const res = await app.inject({ method: 'POST', url: '/v1/programs', payload: { seed: 3, steps } });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/vnd.safetensors');
  t.equal(res.headers['content-disposition'], 'inline; filename="program-seed3.safetensors"');
  const st = parseSafetensors(new Uint8Array(res.rawPayload));
  t.same(st.order, ['conv.weight', 'conv.bias', 'bn.running_mean', 'bn.num_batches_tracked', 'emb', 'idx', 'idx2'], 'a re-initialised name keeps its first position');
  t.equal(st.get('bn.num_batches_tracked')!.dtype, 'I64');
  t.same(st.get('bn.num_batches_tracked')!.shape, []);
  const core = runPlan(planProgram({ seed: 3n, steps: steps as never }));
  for (const c of core) t.ok(Buffer.from(tensorBytes(c)).equals(Buffer.from(st.get(c.name)!.bytes)), `${c.name} equals the core`);
  const emb = new Float32Array(st.get('emb')!.bytes.slice().buffer);
  t.same(Array.from(emb.subarray(8, 12)), [0, 0, 0, 0], 'the view zeroed row 2');
  t.not(emb[7], 0);
  t.same(Array.from(new BigInt64Array(st.get('idx2')!.bytes.slice().buffer)), [3n, 1n, 2n, 0n]);
});

t.test('state_dict picks and orders the outputs; scratch steps still draw', async (t) => {
  const app = await sharedApp(tap);
  const a = await app.inject({ method: 'POST', url: '/v1/programs?format=json', payload: { seed: 1, steps: [{ name: 'scratch', shape: [10], scheme: 'uniform' }, { name: 'w', shape: [3], scheme: 'uniform' }], state_dict: [{ name: 'w' }] } });
  t.equal(a.statusCode, 200);
  t.same(Object.keys(a.json()), ['w']);
  const b = await app.inject({ method: 'POST', url: '/v1/programs?format=json', payload: { seed: 1, steps: [{ name: 'w', shape: [3], scheme: 'uniform' }] } });
  t.not(JSON.stringify(a.json().w), JSON.stringify(b.json().w), 'the scratch step advanced the stream');
});

t.test('npz and json formats; raw/npy refused', async (t) => {
  const app = await sharedApp(tap);
  const z = await app.inject({ method: 'POST', url: '/v1/programs', headers: { accept: 'application/zip' }, payload: { seed: 3, steps } });
  t.equal(z.statusCode, 200);
  t.equal(z.headers['content-type'], 'application/zip');
  t.equal(z.rawPayload.readUInt32LE(0), 0x04034b50, 'a zip archive');
  const j = await app.inject({ method: 'POST', url: '/v1/programs?format=json', payload: { seed: 3, steps } });
  t.same(Object.keys(j.json()), ['conv.weight', 'conv.bias', 'bn.running_mean', 'bn.num_batches_tracked', 'emb', 'idx', 'idx2']);
  t.equal(j.json()['bn.num_batches_tracked'], 0);
  for (const f of ['raw', 'npy']) {
    const r = await app.inject({ method: 'POST', url: `/v1/programs?format=${f}`, payload: { seed: 3, steps } });
    t.equal(r.statusCode, 406, `${f} → 406`);
  }
  const preset = await app.inject({ method: 'POST', url: '/v1/programs', payload: { format: 'torch-init-program/1', model: 'x', constructor: 'x()', derived_with: 'y', seed: 3, steps, state_dict: [{ name: 'emb', kind: 'parameter' }] } });
  t.equal(preset.statusCode, 200, 'descriptive preset fields are accepted and ignored');
});

t.test('bad programs name the step', async (t) => {
  const app = await makeApp(t, { LIMIT_PROGRAM_STEPS: '3' });
  const post = (payload: unknown) => app.inject({ method: 'POST', url: '/v1/programs', payload: payload as object });
  const cases: [unknown, number, RegExp][] = [
    [{ steps: [{ name: 'a', shape: [2], scheme: 'copy', params: { from: 'b' } }, { name: 'b', shape: [2], scheme: 'copy', params: { from: 'a' } }] }, 422, /^steps\[0\] \(a\): cycle in copy/],
    [{ steps: [{ name: 'a', shape: [2], scheme: 'copy', params: { from: 'zz' } }] }, 422, /^steps\[0\] \(a\): copy from unknown tensor 'zz'/],
    [{ steps: [{ name: 'x', shape: [3], scheme: 'zeros' }, { name: 'a', shape: [2], scheme: 'copy', params: { from: 'x' } }] }, 422, /^steps\[1\] \(a\): shape mismatch/],
    [{ steps: [{ name: 'x', shape: [3], scheme: 'zeros' }, { name: 'x', shape: [3], scheme: 'ones', view: { offset: 2, shape: [2], stride: [1] } }] }, 422, /^steps\[1\] \(x\): view out of bounds/],
    [{ steps: [{ name: 'a', shape: [1], scheme: 'zeros' }, { name: 'b', shape: [1], scheme: 'zeros' }, { name: 'c', shape: [1], scheme: 'zeros' }, { name: 'd', shape: [1], scheme: 'zeros' }] }, 400, /limit is 3/],
    [{ steps: [{ name: 'a', shape: [2], scheme: 'bogus' }] }, 400, /^steps\[0\] \(a\): unknown scheme 'bogus'/],
    [{ steps: [{ name: 'a', shape: [2], scheme: 'xavier_uniform' }] }, 422, /^steps\[0\] \(a\): Fan in and fan out can not be computed for tensor with fewer than 2 dimensions$/],
    [{ steps: [{ name: 'a', shape: [2], scheme: 'normal', dtype: 'int64' }] }, 400, /^steps\[0\] \(a\): scheme 'normal' does not support dtype int64/],
    [{ steps: [{ name: 'a', shape: [2], scheme: 'normal', params: { sdt: 1 } }] }, 400, /^steps\[0\] \(a\): unknown param 'sdt'/],
    [{ steps: [] }, 400, /no steps/],
  ];
  for (const [payload, status, detail] of cases) {
    const r = await post(payload);
    t.equal(r.statusCode, status, JSON.stringify(payload).slice(0, 80));
    t.equal(r.headers['content-type'], 'application/problem+json');
    t.match(r.json().detail, detail);
  }
});
