// Every case of ../shared/fixtures/torch/manifest.json through the core, at its parity level:
// exact cases byte-equal, tolerance cases within their bound, error cases with PyTorch's text.
import t from 'tap';
import { loadTorchManifest, readFixtureBytes, compareBytes } from '../helpers/shared.js';
import { planProgram, runPlan } from '../../src/core/program.js';
import { tensorBytes, type FloatDtype } from '../../src/core/dtype.js';
import { TorchError } from '../../src/core/errors.js';

const { cases } = loadTorchManifest();
t.equal(cases.length, 531, 'the manifest has 531 cases');

for (const c of cases) {
  t.test(c.id, async (t) => {
    const program = {
      seed: BigInt(c.seed),
      steps: c.steps.map((s, i) => ({ name: `s${i}`, shape: s.shape, dtype: s.dtype as FloatDtype, scheme: s.scheme, params: s.params })),
    };
    if (c.error) {
      let err: unknown;
      try {
        runPlan(planProgram(program));
      } catch (e) {
        err = e;
      }
      t.type(err, TorchError, 'raises a PyTorch error');
      const te = err as TorchError;
      t.equal(te.pyType, c.error_type);
      t.equal(te.message, `steps[0] (s0): ${c.error_text}`);
      return;
    }
    const outs = runPlan(planProgram(program));
    t.equal(outs.length, c.outputs.length);
    c.outputs.forEach((o, i) => {
      t.same(outs[i].shape, o.shape, `${o.file} shape`);
      const diff = compareBytes(o.dtype, o.parity, tensorBytes(outs[i]), readFixtureBytes(o.file));
      t.equal(diff, null, `${o.file} (${JSON.stringify(o.parity)})`);
    });
  });
}
