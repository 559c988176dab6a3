// The committed preset programs, the catalogue numbers and option validation.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED_DIR } from '../../helpers/shared.js';
import {
  MODEL_NAMES, PresetError, listModels, getModelInfo, presetProgram, presetDocument, baseDocument, presetDataDir,
  supportedOptions, resolvePresetOptions, applyPresetOptions, residualNormWeights, documentElements, initRange, HEADS,
} from '../../../src/core/presets/index.js';
import { planProgram } from '../../../src/core/program.js';
import { locatePresetDir } from '../../../src/core/presets/load.js';

const SHARED_PRESETS = path.join(SHARED_DIR, 'presets', 'torchvision');

t.test('the committed programs are the shared ones', async (t) => {
  const dir = presetDataDir();
  t.equal(path.relative(path.resolve('.'), dir), path.join('src', 'core', 'data', 'presets'), 'read from src/core/data/presets');
  const committed = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const shared = readdirSync(SHARED_PRESETS).filter((f) => f.endsWith('.json')).sort();
  t.same(committed, shared, 'same file names');
  t.same(committed, [...MODEL_NAMES].sort().map((n) => `${n}.json`), 'MODEL_NAMES lists every file');
  for (const f of shared) {
    const a = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
    const b = JSON.parse(readFileSync(path.join(SHARED_PRESETS, f), 'utf8'));
    t.same(a, b, `${f} equals ../shared/presets/torchvision/${f}`);
  }
});

t.test('the data directory is found from src/ and from dist/', async (t) => {
  const root = path.resolve('/pkg');
  const data = path.join(root, 'src', 'core', 'data', 'presets');
  const exists = (p: string) => p === path.join(data, 'resnet18.json');
  t.equal(locatePresetDir(path.join(root, 'src', 'core', 'presets'), exists), data, 'tap runs src/core/presets/*.ts');
  t.equal(locatePresetDir(path.join(root, 'dist', 'src', 'core', 'presets'), exists), data, 'npm start runs dist/src/core/presets/*.js');
  t.equal(locatePresetDir(path.join('/elsewhere', 'x'), exists), null);
  t.equal(locatePresetDir(path.dirname(new URL(import.meta.url).pathname)), presetDataDir(), 'this checkout');
});

t.test('catalogue numbers', async (t) => {
  const list = listModels();
  t.same(list.map((m) => m.name), [...MODEL_NAMES]);
  const by = Object.fromEntries(list.map((m) => [m.name, m]));
  // sum(p.numel() for p in m.parameters()) in torchvision 0.14.1
  t.equal(by.resnet50.parameters, 25_557_032);
  t.equal(by.resnet18.parameters, 11_689_512);
  t.equal(by.alexnet.parameters, 61_100_840);
  t.equal(by.vgg16_bn.parameters, 138_365_992);
  t.equal(by.vit_b_16.parameters, 86_567_656);
  t.equal(by.alexnet.buffers, 0);
  // resnet50: 53 BatchNorms → running_mean + running_var (C each) + num_batches_tracked
  t.equal(by.resnet50.buffer_tensors, 53 * 3);
  t.equal(by.resnet50.tensors, 320);
  t.equal(by.resnet50.elements, by.resnet50.parameters + by.resnet50.buffers);
  for (const m of list) {
    const doc = baseDocument(m.name);
    const ints = doc.state_dict.filter((e) => e.dtype === 'int64').reduce((a, e) => a + e.shape.reduce((x, y) => x * y, 1), 0);
    const floats = m.elements - ints;
    t.equal(m.bytes.float32, floats * 4 + ints * 8, `${m.name} float32 bytes`);
    t.equal(m.bytes.float16, floats * 2 + ints * 8, `${m.name} float16 bytes`);
    t.equal(m.bytes.bfloat16, m.bytes.float16);
    t.equal(m.bytes.float64, floats * 8 + ints * 8);
    t.equal(m.tensors, m.parameter_tensors + m.buffer_tensors);
    t.equal(m.constructor, `torchvision.models.${m.name}()`);
    t.same(m.options.map((o) => o.name), m.name.startsWith('res') || m.name.startsWith('wide') ? ['num_classes', 'zero_init_residual'] : ['num_classes']);
  }
  // presets.md §4 table: tensors per model
  t.equal(by.efficientnet_v2_s.tensors, 782);
  t.equal(by.maxvit_t.tensors, 582);
  t.equal(by.swin_v2_t.tensors, 233);
  const info = getModelInfo('resnet18', { num_classes: 10 });
  t.equal(info.parameters, 11_689_512 - 990 * 513, 'num_classes=10 shrinks fc');
  t.equal(info.constructor, 'torchvision.models.resnet18(num_classes=10)');
  t.equal(documentElements(presetDocument('resnet18', { num_classes: 10 }).document), info.elements);
});

t.test('options: validation', async (t) => {
  const err = (fn: () => unknown) => { try { fn(); } catch (e) { return e as PresetError; } return t.fail('no error') as never; };
  let e = err(() => presetProgram('lenet', 0n));
  t.type(e, PresetError);
  t.equal(e.status, 404);
  t.match(e.message, /unknown model 'lenet'; models are resnet18, resnet50/);
  e = err(() => presetProgram('alexnet', 0n, { zero_init_residual: true }));
  t.equal(e.status, 400);
  t.same(e.errors, [{ field: 'zero_init_residual', message: "model 'alexnet' does not support option 'zero_init_residual'; its options are num_classes" }]);
  e = err(() => presetProgram('resnet18', 0n, { dropout: 0.5, num_classes: 0 }));
  t.same(e.errors.map((x) => x.field), ['dropout', 'num_classes']);
  t.equal(e.errors[0].message, "unknown option 'dropout' for model 'resnet18'; its options are num_classes, zero_init_residual");
  t.equal(e.errors[1].message, "option 'num_classes' must be a positive integer");
  for (const bad of [1.5, -3, '10', true, 2 ** 53]) t.throws(() => resolvePresetOptions('vgg11', { num_classes: bad }), PresetError, `num_classes ${String(bad)}`);
  for (const bad of [1, 'true', null]) {
    t.throws(() => resolvePresetOptions('resnet50', { zero_init_residual: bad }), PresetError, `zero_init_residual ${String(bad)}`);
  }
  t.same(resolvePresetOptions('resnet50', {}), { num_classes: 1000, zero_init_residual: false }, 'defaults filled in');
  t.same(resolvePresetOptions('resnet50', { num_classes: undefined }), { num_classes: 1000, zero_init_residual: false }, 'undefined = absent');
  t.same(resolvePresetOptions('swin_t', { num_classes: 7 }), { num_classes: 7 });
  t.same(supportedOptions('vit_b_16').map((o) => o.name), ['num_classes']);
});

t.test('options: default values give the stored program', async (t) => {
  for (const m of MODEL_NAMES) {
    const base = baseDocument(m);
    const p = presetProgram(m, 5n, { num_classes: 1000, ...(m.startsWith('res') || m.startsWith('wide') ? { zero_init_residual: false } : {}) });
    t.equal(p.steps, base.steps, `${m}: same steps`);
    t.equal(p.state_dict, base.state_dict);
    t.equal(p.seed, 5n);
  }
});

t.test('options: the transformation', async (t) => {
  // every head tensor gets dim 0 = num_classes, in the state_dict and in every step on it
  for (const m of MODEL_NAMES) {
    const d = presetDocument(m, { num_classes: 3 }).document;
    const heads = new Set(HEADS[m].modules.flatMap((x) => [`${x}.weight`, `${x}.bias`]));
    const base = baseDocument(m);
    t.equal(d.steps.length, base.steps.length, `${m}: same number of steps`);
    d.steps.forEach((s, i) => {
      if (heads.has(s.name)) {
        if (s.shape[0] !== 3) t.fail(`${m} step ${i} ${s.name}`);
      } else if (s !== base.steps[i]) t.fail(`${m} step ${i} changed`);
    });
    t.ok(d.state_dict.filter((e) => heads.has(e.name)).every((e) => e.shape[0] === 3), `${m}: head entries resized`);
    planProgram({ ...d, seed: 0n }); // still a valid program
  }
  const eff = presetDocument('efficientnet_b0', { num_classes: 37 }).document;
  const u = eff.steps.filter((s) => s.name === 'classifier.1.weight' && s.scheme === 'uniform');
  t.same(u.map((s) => s.params), [{ a: -initRange(37), b: initRange(37) }], 'efficientnet init_range = 1/sqrt(num_classes)');
  t.equal(initRange(37), 0.1643989873053573, 'same double as Python 1.0 / math.sqrt(37)');

  const z = presetDocument('resnet50', { zero_init_residual: true }).document;
  const names = residualNormWeights('resnet50', z);
  t.equal(names.length, 16, 'resnet50: 16 Bottlenecks');
  t.same(z.steps.slice(-16).map((s) => [s.name, s.scheme, s.params]), names.map((n) => [n, 'constant', { val: 0 }]), 'appended in module order');
  t.equal(z.steps.filter((s) => names.includes(s.name)).length, 16, 'the earlier constant 1 steps are dropped');
  t.equal(z.constructor, 'torchvision.models.resnet50(zero_init_residual=True)');
  t.ok(names.every((n) => n.endsWith('.bn3.weight')), 'Bottleneck: bn3');
  const r18 = residualNormWeights('resnet18', baseDocument('resnet18'));
  t.equal(r18.length, 8, 'resnet18: 8 BasicBlocks');
  t.ok(r18.every((n) => n.endsWith('.bn2.weight')), 'BasicBlock: bn2');
  t.equal(residualNormWeights('alexnet', baseDocument('alexnet')).length, 0);
  t.throws(() => applyPresetOptions('alexnet', { ...baseDocument('alexnet'), state_dict: [] }, { num_classes: 5 }), /does not fit/);
});
