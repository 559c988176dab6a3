// src/core/rng/glibc-float.ts against real glibc 2.36 (x86-64, FMA ifunc variants) results
// recorded by tools/glibc-check/gen-fixture.mjs: boundaries, specials, the hard cases (where
// the fast binary64 path falls back to the exact FMA emulation, and where a naive
// fround(Math.*) port differs), erfinv's own arguments and random inputs. No C compiler
// needed; tools/glibc-check/check.mjs is the exhaustive check against the local libm.
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { logf, expf, erff, logfExact, expfExact, fallbacks } from '../../src/core/rng/glibc-float.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/glibc-float.json', import.meta.url), 'utf8')) as Record<string, string>;

function pairs(name: string): Uint32Array {
  const b = Buffer.from(fixture[name], 'base64');
  return new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

const fi = new Float32Array(1), ui = new Uint32Array(fi.buffer);
const fo = new Float32Array(1), uo = new Uint32Array(fo.buffer);
const isNaN32 = (b: number) => (b & 0x7fffffff) > 0x7f800000;
const hex = (b: number) => '0x' + b.toString(16).padStart(8, '0');

function check(t: Test, name: string, f: (x: number) => number): void {
  const p = pairs(name);
  let bad = 0;
  const shown: string[] = [];
  for (let i = 0; i < p.length; i += 2) {
    ui[0] = p[i];
    fo[0] = f(fi[0]);
    if (uo[0] !== p[i + 1] && !(isNaN32(uo[0]) && isNaN32(p[i + 1]))) {
      bad++;
      if (shown.length < 5) shown.push(`x=${hex(p[i])}: got ${hex(uo[0])}, glibc ${hex(p[i + 1])}`);
    }
  }
  t.ok(p.length >= 2000 * 2, `${name}: ${p.length / 2} cases`);
  t.equal(bad, 0, shown.join('; ') || `${name} equals glibc`);
}

t.test('logf equals glibc 2.36', async (t) => {
  const before = fallbacks.logf;
  check(t, 'logf', logf);
  t.ok(fallbacks.logf - before > 50, 'the fixture exercises the exact FMA fallback');
});

t.test('expf equals glibc 2.36', async (t) => {
  const before = fallbacks.expf;
  check(t, 'expf', expf);
  t.ok(fallbacks.expf - before > 50, 'the fixture exercises the exact FMA fallback');
});

t.test('erff equals glibc 2.36', async (t) => {
  check(t, 'erff', erff);
});

t.test('the always-exact FMA emulations equal glibc too', async (t) => {
  check(t, 'logf', logfExact);
  check(t, 'expf', expfExact);
});

t.test('special values', async (t) => {
  t.equal(logf(0), -Infinity);
  t.equal(logf(1), 0);
  t.ok(Number.isNaN(logf(-1)));
  t.equal(logf(Infinity), Infinity);
  t.equal(expf(-Infinity), 0);
  t.equal(expf(Infinity), Infinity);
  t.equal(expf(0), 1);
  t.equal(expf(-200), 0);
  t.equal(erff(Infinity), 1);
  t.equal(erff(-Infinity), -1);
  t.ok(Object.is(erff(-0), -0));
  t.ok(Number.isNaN(erff(NaN)));
});
