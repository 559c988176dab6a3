// The WebAssembly float32 JSON token writer (src/core/encode/fmt32-wasm.ts, src/core/wasm/fmt.wat)
// against the JS writer (`writeFloat32`), byte for byte: every exponent, the special values,
// subnormals, values next to powers of ten, random bit patterns and typical weights; long rows
// (several chunks), elements handed back to the JS writer, and json.ts's float32 rows. The
// generated module's freshness too. tools/check-fmt32.mjs runs the same comparison over all 2^32
// bit patterns.
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { writeFloat32 } from '../../../src/core/encode/floatfmt.js';
import { fmt32, rowF32Wasm, type Fmt32 } from '../../../src/core/encode/fmt32-wasm.js';
import { encodeJsonData, encodeJsonRows } from '../../../src/core/encode/json.js';
import { prng } from '../../helpers/prng.js';

const F = fmt32() as Fmt32;

/** The JS writer's row: every element followed by ','. */
function jsRow(u: Uint32Array): Buffer {
  const d = new Float32Array(u.buffer, u.byteOffset, u.length);
  const b = new Uint8Array(u.length * 20 + 64);
  const v = new DataView(b.buffer);
  let p = 0;
  for (let i = 0; i < u.length; i++) {
    p = writeFloat32(b, v, p, d[i], u[i]);
    b[p++] = 44;
  }
  return Buffer.from(b.buffer, 0, p);
}

/** The WebAssembly writer's row, in blocks of `block` elements, after a 3-byte prefix. */
function wasmRow(u: Uint32Array, block = 1 << 14): Buffer {
  const d = new Float32Array(u.buffer, u.byteOffset, u.length);
  const b = new Uint8Array(u.length * 20 + 64);
  const v = new DataView(b.buffer);
  b.set([1, 2, 3]);
  let p = 3;
  for (let s = 0; s < u.length; s += block) p = rowF32Wasm(F, b, v, p, d, u, s, Math.min(u.length, s + block));
  return Buffer.from(b.buffer, 3, p - 3);
}

/** Asserts equal bytes; on a difference, also the first differing tokens (readable output). */
function same(t: Test, u: Uint32Array, what: string, block?: number): void {
  const js = jsRow(u);
  const wasm = wasmRow(u, block);
  const eq = Buffer.compare(wasm, js) === 0;
  if (!eq) {
    const a = js.toString('latin1').split(','), b = wasm.toString('latin1').split(',');
    const bad: string[] = [];
    for (let i = 0; i < u.length && bad.length < 10; i++) {
      if (a[i] !== b[i]) bad.push(`0x${u[i].toString(16).padStart(8, '0')}: js ${a[i]} wasm ${b[i]}`);
    }
    t.same(bad, [], `${what}: differing tokens`);
  }
  t.equal(Buffer.compare(wasm, js), 0, `${what}: ${u.length} elements, ${js.length} bytes, byte-identical`);
}

const bitsOf = (xs: ArrayLike<number>): Uint32Array => new Uint32Array(Float32Array.from(xs).buffer);

t.test('the committed fmt-wasm.ts is what tools/build-wasm.mjs makes of fmt.wat', async (t) => {
  const build = (await import('../../../tools/build-wasm.mjs' as string)) as { generatedFmtSource(): Promise<string>; FMT_OUT_PATH: string };
  t.equal(readFileSync(build.FMT_OUT_PATH, 'utf8'), await build.generatedFmtSource(), 'run node tools/build-wasm.mjs');
});

t.test('the instance is available (WebAssembly SIMD128 is on by default since Node 16.4)', async (t) => {
  t.ok(F, 'fmt32() instantiated');
  t.equal(fmt32(), F, 'one instance per thread');
});

t.test('every exponent × mantissas 0, 1, 2, half, max and random, both signs', async (t) => {
  const rnd = prng(11);
  const u: number[] = [];
  for (let be = 0; be < 256; be++) {
    const ms = [0, 1, 2, 3, 0x400000, 0x7ffffe, 0x7fffff];
    for (let k = 0; k < 8; k++) ms.push(Math.floor(rnd() * 0x800000));
    for (const m of ms) for (const s of [0, 0x80000000]) u.push((s | (be << 23) | m) >>> 0);
  }
  same(t, Uint32Array.from(u), 'exponents');
});

t.test('±0, nan payloads, ±inf, subnormals, the extremes', async (t) => {
  const rnd = prng(12);
  const u = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fbfffff,
    0x7fffffff, 0xffffffff, 0x7fc00001, 0x7f7fffff, 0xff7fffff, 0x00800000, 0x80800000];
  for (const m of [1, 2, 3, 4, 5, 7, 10, 100, 0x3fffff, 0x400000, 0x400001, 0x7ffffe, 0x7fffff]) u.push(m, (0x80000000 | m) >>> 0);
  for (let k = 0; k < 2000; k++) u.push(Math.floor(rnd() * 0x800000) + (k & 1 ? 0x80000000 : 0));
  same(t, Uint32Array.from(u), 'specials and subnormals');
  // each alone, and interleaved with ordinary values: the instance stops at elements it leaves
  // to the JS writer (subnormals and nan / inf are handled by both) and resumes after them
  for (const x of u.slice(0, 60)) same(t, Uint32Array.from([x, x]), `0x${x.toString(16)} twice`);
  same(t, Uint32Array.from(u.flatMap((x) => [x, 0x3e4ccccd])), 'interleaved with 0.2');
});

t.test('the tricky 7.038531e-26 and values next to powers of ten', async (t) => {
  t.equal(wasmRow(bitsOf([7.038531e-26])).toString(), '7.038531e-26,', 'one digit shorter than numpy (the contract)');
  const u: number[] = [];
  for (let k = -46; k <= 38; k++) {
    const b = bitsOf([10 ** k, 2 * 10 ** k, 5 * 10 ** k, 9.999999 * 10 ** k]);
    for (const x of b) for (let d = -4; d <= 4; d++) if (x + d > 0 && x + d < 0x7f800000) u.push(x + d, (0x80000000 | (x + d)) >>> 0);
  }
  same(t, Uint32Array.from(u), 'near powers of ten');
  same(t, bitsOf([1e-5, 1e-4, 0.0001, 0.00012, 9.9999e-5, 1e16, 1e15, 9.999999e15, 1.5e20, 123456789, 12345678, 1234567.8,
    12.5, 0.1, 0.5, 1, 2, 3, 100, 1e7, 16777216, 16777215, 3.4028235e38, 1.1754944e-38, 1.4e-45]), 'layouts');
});

t.test('random bit patterns', async (t) => {
  const rnd = prng(13);
  const u = new Uint32Array(300000);
  for (let i = 0; i < u.length; i++) u[i] = Math.floor(rnd() * 2 ** 32);
  same(t, u, 'random patterns');
});

t.test('typical weights', async (t) => {
  const rnd = prng(14);
  const n = 100000;
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  same(t, bitsOf(Array.from({ length: n }, () => rnd())), 'uniform [0, 1)');
  same(t, bitsOf(Array.from({ length: n }, () => 0.02 * normal())), 'normal(0, 0.02)');
  same(t, bitsOf(Array.from({ length: n }, () => (2 * rnd() - 1) / Math.sqrt(768))), 'kaiming-style uniform');
  same(t, bitsOf(Array.from({ length: 20000 }, () => 1e4 * normal())), 'large values');
  same(t, bitsOf(Array.from({ length: 20000 }, () => Math.floor(rnd() * 1e8) * (rnd() < 0.5 ? 1 : -1))), 'integers');
  same(t, bitsOf(Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? 1 : i % 3 === 1 ? 0 : -0.5))), 'ones, zeros, -0.5');
});

t.test('rows of any length, at any offset and output position', async (t) => {
  const rnd = prng(15);
  const u = new Uint32Array(40000);
  for (let i = 0; i < u.length; i++) u[i] = i % 7 === 0 ? Math.floor(rnd() * 0x800000) : Math.floor(rnd() * 2 ** 32);
  same(t, u, 'one call over several chunks', u.length);
  same(t, u, 'blocks of 5', 5);
  for (const n of [1, 2, 3, 16, 17, 33, 16383, 16384, 16385]) same(t, u.subarray(7, 7 + n), `${n} elements at offset 7`, n);
});

t.test('json.ts float32 rows go through the WebAssembly writer and print what the JS writer does', async (t) => {
  const rnd = prng(16);
  const d = new Float32Array(3 * 40000);
  const u = new Uint32Array(d.buffer);
  for (let i = 0; i < d.length; i++) d[i] = i % 11 === 0 ? NaN : i % 13 === 0 ? 1.5e-40 : 0.05 * (rnd() - 0.5);
  const tok = (i: number) => jsRow(u.subarray(i, i + 1)).toString('latin1').slice(0, -1);
  const list = (from: number, n: number) => Array.from({ length: n }, (_, k) => tok(from + k)).join(',');
  const text = (shape: number[], n: number) => encodeJsonData({ dtype: 'float32', shape, data: d.subarray(0, n) }).toString('latin1');
  t.equal(text([], 1), tok(0), '0-d');
  t.equal(text([0], 0), '[]', 'empty');
  t.equal(text([1], 1), `[${tok(0)}]`, 'one element');
  t.equal(text([4, 1], 4), `[${[0, 1, 2, 3].map((i) => `[${tok(i)}]`).join(',')}]`, 'rows of one');
  t.equal(text([3, 5], 15), `[[${list(0, 5)}],[${list(5, 5)}],[${list(10, 5)}]]`, 'rows of five');
  t.equal(text([2, 2, 3], 12), `[[[${list(0, 3)}],[${list(3, 3)}]],[[${list(6, 3)}],[${list(9, 3)}]]]`, '3-d');
  t.equal(text([d.length], d.length), `[${list(0, d.length)}]`, `${d.length} elements in one row`);
  const rows = encodeJsonRows({ dtype: 'float32', shape: [3, 40000], data: d }, 1, 3).toString('latin1');
  t.equal(rows, `[${list(40000, 40000)}],[${list(80000, 40000)}]`, 'encodeJsonRows');
});
