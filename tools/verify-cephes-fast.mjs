#!/usr/bin/env node
// Exhaustive proof for src/core/kernels/normal32.ts: on every one of the 2^24 inputs of the
// float32 normal_ kernel, log256Fast and sincos256Fast (plain fround arithmetic) equal the
// FMA-emulating reference of src/core/rng/cephes.ts bit for bit. Needs `npm run build`.
// Usage: node tools/verify-cephes-fast.mjs   (≈ 10 s)
import { log256, sincos256 } from '../dist/src/core/rng/cephes.js';
import { log256Fast, sincos256Fast, sinOut, cosOut, theta32 } from '../dist/src/core/kernels/normal32.js';

const U = 5.960464477539063e-8; // 2^-24
const sc = new Float64Array(2);
let badLog = 0, badSc = 0;
for (let k = 0; k < 1 << 24; k++) {
  const u1 = 1 - k * U;
  if (!Object.is(log256(u1), log256Fast(u1))) badLog++;
  const th = theta32(k * U);
  sincos256(th, sc);
  sincos256Fast(th);
  if (!Object.is(sc[0], sinOut()) || !Object.is(sc[1], cosOut())) badSc++;
}
console.log(`log256: ${badLog} of 16777216 inputs differ; sincos256: ${badSc} of 16777216 differ`);
process.exit(badLog || badSc ? 1 : 0);
