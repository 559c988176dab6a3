// "Don't compute what will be overwritten": planProgram marks steps whose values never reach an
// output as advance-only (the generator moves by the same words, values are not computed).
// The outputs must equal, byte for byte, a run that computes every step.
import t from 'tap';
import { presetProgram } from '../../../src/core/presets/index.js';
import { planProgram, runPlan } from '../../../src/core/program.js';
import { tensorBytes } from '../../../src/core/dtype.js';

const cases: [string, Record<string, unknown>][] = [
  ['squeezenet1_1', {}], ['mobilenet_v3_small', { num_classes: 10 }], ['densenet121', {}],
  ['regnet_y_400mf', {}], ['resnet18', { zero_init_residual: true }], ['shufflenet_v2_x1_0', {}],
];

for (const [m, opts] of cases) {
  t.test(`${m} ${JSON.stringify(opts)}`, async (t) => {
    const p = presetProgram(m, 20240607n, opts);
    const fast = planProgram(p);
    const slow = planProgram(p, { advanceOverwritten: false });
    const adv = fast.steps.filter((s) => s.advanceOnly).length;
    t.equal(slow.steps.filter((s) => s.advanceOnly).length, 0, 'reference plan computes every step');
    if (m === 'shufflenet_v2_x1_0') t.equal(adv, 0, 'shufflenet re-initialises nothing');
    else t.ok(adv > 0, `${adv} of ${fast.steps.length} steps are advance-only`);
    const a = runPlan(fast);
    const b = runPlan(slow);
    t.equal(a.length, b.length);
    let diff = 0;
    a.forEach((x, i) => { if (x.name !== b[i].name || Buffer.compare(Buffer.from(tensorBytes(x)), Buffer.from(tensorBytes(b[i]))) !== 0) diff++; });
    t.equal(diff, 0, `all ${a.length} tensors byte-equal`);
  });
}
