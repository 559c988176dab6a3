// /v1/models and /v1/models/{name} over app.inject (real workers), and the rules form of
// POST /v1/programs against fixtures produced by real torch (test/fixtures/models).
import t from 'tap';
const tap = t;
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { makeApp, sharedApp } from '../helpers/app.js';
import { parseSafetensors } from '../helpers/safetensors.js';
import { loadCases, layoutHash } from '../core/presets/_hashes.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

t.test('GET /v1/models lists the 25 presets with counts', async (t) => {
  const app = await sharedApp(tap, { WORKERS: '1' });
  const r = await app.inject({ url: '/v1/models' });
  t.equal(r.statusCode, 200);
  const models = r.json().models;
  t.equal(models.length, 25);
  const r50 = models.find((m: { name: string }) => m.name === 'resnet50');
  t.equal(r50.parameters, 25557032, 'resnet50 parameters as torch counts them');
  t.ok(r50.buffers > 0);
  t.same(r50.options.map((o: { name: string }) => o.name), ['num_classes', 'zero_init_residual']);
  t.equal(r50.bytes.float16 < r50.bytes.float32, true);
});

t.test('resnet18 preset = torch state_dict (hashes from real torch), safetensors + Range', async (t) => {
  const app = await sharedApp(tap, { WORKERS: '1' });
  const c = loadCases('default_hashes.json').find((x) => x.model === 'resnet18' && Object.keys(x.options).length === 0)!;
  const r = await app.inject({ url: `/v1/models/resnet18?seed=${c.seed}` });
  t.equal(r.statusCode, 200);
  t.equal(r.headers['content-type'], 'application/vnd.safetensors');
  t.equal(r.headers['content-disposition'], `inline; filename="resnet18-seed${c.seed}.safetensors"`);
  const st = parseSafetensors(new Uint8Array(r.rawPayload));
  t.equal(st.metadata?.model, 'resnet18');
  t.equal(st.metadata?.seed, String(c.seed));
  const entries = st.order.map((name) => ({ name, shape: st.get(name)!.shape, dtype: st.get(name)!.dtype === 'I64' ? 'int64' : 'float32' }));
  t.equal(layoutHash(entries), c.layout, 'names, order, shapes, dtypes = state_dict()');
  const all = createHash('sha256');
  st.order.forEach((name, i) => {
    const b = st.get(name)!.bytes;
    all.update(b);
    if (!sha(b).startsWith(c.sha256[i])) t.fail(`${name} differs from torch`);
  });
  t.equal(all.digest('hex'), c.all, 'every byte equals torch');
  const head = await app.inject({ url: `/v1/models/resnet18?seed=${c.seed}`, headers: { range: 'bytes=0-7' } });
  t.equal(head.statusCode, 206);
  t.ok(head.rawPayload.equals(r.rawPayload.subarray(0, 8)), 'a reader can fetch the header length first');
  const h = await app.inject({ method: 'HEAD', url: `/v1/models/resnet18?seed=${c.seed}` });
  t.equal(h.headers['content-length'], String(r.rawPayload.length), 'HEAD computes the length without generating');
});

t.test('options, dtype cast, formats and errors', async (t) => {
  const app = await makeApp(t, { WORKERS: '1', LIMIT_JSON_ELEMENTS: '20000000' });
  const r = await app.inject({ url: '/v1/models/resnet18?seed=1&num_classes=10&zero_init_residual=true&format=json' });
  t.equal(r.statusCode, 200);
  const j = r.json();
  t.same([j['fc.weight'].length, j['fc.weight'][0].length], [10, 512]);
  t.same(j['layer1.0.bn2.weight'], new Array(64).fill(0), 'zero_init_residual zeroes the last BN of each block');
  t.equal(j['bn1.num_batches_tracked'], 0);
  const half = await app.inject({ url: '/v1/models/squeezenet1_1?seed=1&dtype=float16' });
  const st = parseSafetensors(new Uint8Array(half.rawPayload));
  t.equal(st.get('features.0.weight')!.dtype, 'F16');
  t.equal(half.headers['x-tensor-dtype'], 'float16');
  const npz = await app.inject({ url: '/v1/models/squeezenet1_1?seed=1&format=npz' });
  t.equal(npz.headers['content-type'], 'application/zip');
  const cases: [string, number, RegExp][] = [
    ['/v1/models/resnet9000', 404, /resnet18/],
    ['/v1/models/vgg11?zero_init_residual=true', 400, /its options are num_classes/],
    ['/v1/models/resnet18?dropout=0.5', 400, /unknown option 'dropout'.*num_classes, zero_init_residual/],
    ['/v1/models/resnet18?num_classes=0', 400, /positive integer/],
    ['/v1/models/resnet18?format=raw', 406, /one unnamed tensor/],
    ['/v1/models/vgg16_bn?format=json', 413, /json/],
  ];
  for (const [url, status, detail] of cases) {
    const x = await app.inject({ url });
    t.equal(x.statusCode, status, url);
    t.equal(x.headers['content-type'], 'application/problem+json');
    t.match(x.json().detail, detail, url);
  }
});

for (const file of ['rules_cnn.json', 'rules_transformer.json']) {
  t.test(`rules form over HTTP equals model.apply(init_fn) in torch (${file})`, async (t) => {
    const app = await sharedApp(tap, { WORKERS: '1' });
    const fx = JSON.parse(readFileSync(new URL(`../fixtures/models/${file}`, import.meta.url), 'utf8'));
    for (const res of fx.results) {
      const body = { ...fx.request, seed: res.seed, state_dict: fx.state_dict.map((e: { name: string }) => ({ name: e.name })) };
      const r = await app.inject({ method: 'POST', url: '/v1/programs', payload: body });
      t.equal(r.statusCode, 200, `${file} seed ${res.seed}`);
      const st = parseSafetensors(new Uint8Array(r.rawPayload));
      t.same(st.order, fx.state_dict.map((e: { name: string }) => e.name), 'state_dict order');
      for (const [name, want] of Object.entries(res.tensors) as [string, { sha256: string; shape: number[] }][]) {
        const e = st.get(name)!;
        t.same(e.shape, want.shape, `${name} shape`);
        t.equal(sha(e.bytes), want.sha256, `${name} bytes`);
      }
    }
  });
}

t.test('rules errors name the tensor or the rule', async (t) => {
  const app = await sharedApp(tap, { WORKERS: '1' });
  const post = (payload: object) => app.inject({ method: 'POST', url: '/v1/programs', payload });
  const none = await post({ tensors: [{ name: 'a.weight', shape: [2, 2] }, { name: 'b.bias', shape: [2] }], rules: [{ match: '*.weight', scheme: 'ones' }] });
  t.equal(none.statusCode, 400);
  t.match(none.json().detail, /^tensors\[1\] \(b\.bias\): no rule matches/);
  const torch = await post({ tensors: [{ name: 'a.bias', shape: [2] }], rules: [{ match: '*', scheme: 'xavier_uniform' }] });
  t.equal(torch.statusCode, 422);
  t.equal(torch.json().detail, 'tensors[0] (a.bias): Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const evil = await post({ tensors: [{ name: `${'a'.repeat(40)}!`, shape: [1] }], rules: [{ match: '/^(a+)+$/', scheme: 'zeros' }, { match: '*', scheme: 'ones' }] });
  t.equal(evil.statusCode, 400, 'a catastrophic regex is cut off with a problem document');
  t.match(evil.json().detail, /rules\[0\]/);
  const regex = await post({ tensors: [{ name: 'Enc.W', shape: [2, 2] }], rules: [{ match: '/enc\\.w/i', scheme: 'ones' }] });
  t.equal(regex.statusCode, 200);
});
