// Default constructors: the stored program at a seed gives torch's state_dict bit for bit
// (hashes from real torch, test/fixtures/models/default_hashes.json: seed 31337 for every model,
// every tensor; a second seed, 4242, for the ten small models). Split over three files so that
// tap's two jobs share the ~35 s of core time (most of it float32 trunc_normal in convnext_tiny,
// swin_t, swin_v2_t, inception_v3 and googlenet).
import type { Test } from 'tap';
import { loadCases, checkCase } from './_hashes.js';
import { presetProgram, type ModelName } from '../../../src/core/presets/index.js';
import { numel } from '../../../src/core/dtype.js';

/**
 * Big float32 trunc_normal tensors only advance the generator (PRESETS_FULL=1 computes them):
 * their element function is glibc-exact by exhaustive check (test/core/glibc-float.test.ts,
 * tools/glibc-check) and the stream position they leave is still proven by every later tensor.
 * That keeps `npm test` within its time budget (trunc_normal costs ~0.2 µs per element here).
 */
function notBigTrunc(model: ModelName) {
  const prog = presetProgram(model, 0n);
  const big = new Set(prog.steps.filter((s) => s.scheme === 'trunc_normal' && numel(s.shape) > 262_144).map((s) => s.name));
  return big.size ? (e: { name: string }) => !big.has(e.name) : undefined;
}

const cases = loadCases('default_hashes.json');

export function runDefaults(t: Test, models: readonly ModelName[]): void {
  for (const m of models) {
    const mine = cases.filter((c) => c.model === m);
    if (!mine.length) { t.fail(`no fixture case for ${m}`); continue; }
    const subset = notBigTrunc(m);
    for (const c of mine) t.test(`${m} seed ${c.seed}`, async (t) => checkCase(t, c, subset ? { subset } : {}));
  }
}

export const GROUP_A: readonly ModelName[] = ['convnext_tiny', 'swin_t', 'vgg11', 'wide_resnet50_2', 'alexnet'];
export const GROUP_B: readonly ModelName[] = ['swin_v2_t', 'inception_v3', 'vgg16_bn'];
