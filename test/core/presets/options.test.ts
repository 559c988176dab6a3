// Constructor options against real torch (test/fixtures/models/option_hashes.json, written by
// tools/models/derive_options.py --hashes): num_classes=10 for every model, zero_init_residual
// for the ResNet family, and a few extra sets (num_classes 1 and 37). Every tensor is computed
// and compared, except in the models with more than 1M elements of float32 trunc_normal
// (convnext_tiny, swin_t, swin_v2_t, inception_v3, googlenet: ~2-4 s each in the core), which
// compute only the classifier heads and the tensors of at most 65536 elements (likewise any
// model with more than 262144 trunc_normal elements); the rest is
// advance-only (same generator words, values not computed), so the heads and the generator
// offsets all over the model are still checked, and the default-options tests compute every
// tensor of those models. PRESETS_FULL=1 computes everything here too.
import t from 'tap';
import { loadCases, checkCase, smallOrHead } from './_hashes.js';
import { presetProgram, MODEL_NAMES, RESNET_FAMILY } from '../../../src/core/presets/index.js';
import { numel } from '../../../src/core/dtype.js';

const cases = loadCases('option_hashes.json');

for (const c of cases) {
  t.test(`${c.model} ${JSON.stringify(c.options)} seed ${c.seed}`, async (t) => {
    const truncElements = presetProgram(c.model, 0n, c.options).steps
      .filter((s) => s.scheme === 'trunc_normal').reduce((a, s) => a + numel(s.shape), 0);
    checkCase(t, c, truncElements > 262_144 ? { subset: smallOrHead(c.model, 65_536) } : {});
  });
}

t.test('every model has a num_classes case, every ResNet a zero_init_residual case', async (t) => {
  for (const m of MODEL_NAMES) t.ok(cases.some((c) => c.model === m && c.options.num_classes === 10), `${m} num_classes=10`);
  for (const m of RESNET_FAMILY) t.ok(cases.some((c) => c.model === m && c.options.zero_init_residual === true), `${m} zero_init_residual`);
});
