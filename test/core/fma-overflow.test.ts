// Bug: fma32 (and the exact WebAssembly kernels that mirror it) turned a binary32 overflow into
// the wrong infinity. Its double-rounding check took 2s − ∞ = −∞ for the "other neighbour" of a
// midpoint, so an inexact sum that overflowed picked max/min(∞, −∞): torch.manual_seed(4);
// torch.empty(625).normal_(1, 1e38)[263] is −inf in torch 1.13.1 (checked with real torch), and
// we printed +inf. Overflow now counts as ±2^128 there, so FLT_MAX is the other neighbour.
import t from 'tap';
import { fma32 } from '../../src/core/rng/fma.js';
import { fround } from '../../src/core/dtype.js';
import { TorchGenerator } from '../../src/core/rng/mt19937.js';
import { normalKernel, normalKernelJs } from '../../src/core/kernels/normal.js';
import { FUSED_SWITCH } from '../../src/core/wasm/engine.js';

const FLT_MAX = 3.4028234663852886e38;

t.test('fma32 rounds overflowing sums to the right infinity', async (t) => {
  const S = fround(1e38);
  t.equal(fma32(-5.25, S, 1), -Infinity);
  t.equal(fma32(5.25, S, -1), Infinity);
  t.equal(fma32(-5.25, S, -1), -Infinity);
  // the exact sum just below the overflow threshold 2^128 − 2^103, whose binary64 sum rounds onto
  // it: FLT_MAX, not ∞ (18631 · 1801·2^103 = (2^25 − 1)·2^103 = 2^128 − 2^103)
  const a = 18631, b = 1801 * 2 ** 103;
  t.equal(a * b, 2 ** 128 - 2 ** 103);
  t.equal(fma32(a, b, -1), FLT_MAX, 'below the threshold');
  t.equal(fma32(a, b, 0), Infinity, 'on it: ties to even');
  t.equal(fma32(a, b, 1), Infinity, 'above it');
  t.equal(fma32(-a, b, 1), -FLT_MAX, 'negative, below the threshold in magnitude');
});

t.test('normal_(1, 1e38) keeps torch’s −inf (JS kernel, exact and fused engine)', async (t) => {
  const run = (fn: typeof normalKernel) => {
    const o = new Float32Array(625);
    fn(new TorchGenerator(4n), 'float32', o, 625, 1, 1e38);
    return o;
  };
  t.equal(run(normalKernelJs)[263], -Infinity, 'JS reference');
  for (const fused of [false, true]) {
    FUSED_SWITCH.on = fused;
    const o = run(normalKernel);
    FUSED_SWITCH.on = true;
    t.equal(o[263], -Infinity, fused ? 'fused engine' : 'exact engine');
    t.ok(Buffer.from(o.buffer).equals(Buffer.from(run(normalKernelJs).buffer)), `${fused ? 'fused' : 'exact'} engine equals the JS kernel`);
  }
});
