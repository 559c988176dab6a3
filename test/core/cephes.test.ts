// normal32.ts replaces the emulated FMAs of Cephes log/sincos by plain binary32 rounding; that is
// exact on the kernel's input domain (tools/verify-cephes-fast.mjs checks all 2^24 inputs).
// Here: a stride through the whole domain plus its edges, against the fma32 reference.
import t from 'tap';
import { log256, sincos256 } from '../../src/core/rng/cephes.js';
import { log256Fast, sincos256Fast, sinOut, cosOut, theta32 } from '../../src/core/kernels/normal32.js';

const U = 2 ** -24;
const ks: number[] = [0, 1, 2, 3, (1 << 23) - 1, 1 << 23, (1 << 24) - 2, (1 << 24) - 1];
for (let k = 5; k < 1 << 24; k += 4099) ks.push(k);

t.test('log256Fast equals the FMA reference', async (t) => {
  let bad = 0;
  for (const k of ks) if (!Object.is(log256(1 - k * U), log256Fast(1 - k * U))) bad++;
  t.equal(bad, 0, `${ks.length} inputs`);
});

t.test('sincos256Fast equals the FMA reference', async (t) => {
  const sc = new Float64Array(2);
  let bad = 0;
  for (const k of ks) {
    const th = theta32(k * U);
    sincos256(th, sc);
    sincos256Fast(th);
    if (!Object.is(sc[0], sinOut()) || !Object.is(sc[1], cosOut())) bad++;
  }
  t.equal(bad, 0, `${ks.length} inputs`);
});
