// Shortest round-trip element text (API "JSON numbers"): every float16 and bfloat16 bit pattern,
// 300k random float32 patterns and the edges, checked for round trip (parse as binary64, round
// once to the dtype), minimality (no decimal with one digit fewer round-trips) and nearness (no
// other decimal with as few digits is closer). Expected strings were printed by Python 3.11 and
// numpy 1.24.2: `repr(float(x))`, `repr(np.float32(x))`, `repr(np.float16(x))`.
import t from 'tap';
import seedrandom from 'seedrandom';
import {
  formatFloat, floatJson, shortestDecimal, roundToDtype, roundF16, roundBf16, f16BitsFromF64, bf16BitsFromF64, decode16,
} from '../../../src/core/encode/floatfmt.js';
import { f16BitsFromF32, bf16BitsFromF32, F16_TO_F32, bf16ToF32, f32FromBits, type FloatDtype } from '../../../src/core/dtype.js';

/** Significant digits and exponent of a decimal token: value = m·10^e, m without trailing zeros. */
function digitsOf(token: string): { m: bigint; e: number; n: number } {
  const s = token.replace(/^-/, '');
  const [mant, ex] = s.split(/e/i);
  const [ip, fp = ''] = mant.split('.');
  let digits = (ip + fp).replace(/^0+/, '');
  let e = Number(ex ?? 0) - fp.length;
  while (digits.length > 1 && digits.endsWith('0')) { digits = digits.slice(0, -1); e++; }
  return { m: BigInt(digits || '0'), e, n: digits.length };
}

/** Does the decimal m·10^e parse back (binary64, then rounded once) to x? */
const roundTrips = (dtype: FloatDtype, m: bigint, e: number, x: number) =>
  roundToDtype(dtype, Number(`${m}e${e}`)) === x;

/**
 * Checks one positive finite x: its token round-trips, no decimal with one digit fewer does, and
 * none with as many digits is nearer. Returns a message or null.
 */
function check(dtype: FloatDtype, x: number): string | null {
  const tok = formatFloat(dtype, x);
  if (roundToDtype(dtype, Number(tok)) !== x) return `${dtype} ${x}: ${tok} does not round-trip`;
  if (JSON.parse(tok) !== Number(tok)) return `${tok} is not a JSON number`;
  const { m, e, n } = digitsOf(tok);
  // x's decade (exact: the shortest binary64 digits of x keep its exponent)
  const E = Number(x.toExponential().split('e')[1]);
  // k-digit decimals next to x lie on the grid 10^(E-k+1); any member nearest x is floor/ceil
  for (const k of n > 1 ? [n - 1] : []) {
    const q = E - k + 1;
    const f = BigInt(Math.floor(x / 10 ** q));
    for (let d = -2n; d <= 2n; d++) {
      const c = f + d;
      if (c > 0n && roundTrips(dtype, c, q, x)) return `${dtype} ${x}: ${tok} is not minimal (${c}e${q} has fewer digits)`;
    }
  }
  // nearness among n-digit members: |x - c·10^e| compared exactly, as scaled BigInt integers
  for (const c of [m - 1n, m + 1n]) {
    if (c > 0n && roundTrips(dtype, c, e, x) && distance(x, c, e) < distance(x, m, e)) return `${dtype} ${x}: ${c}e${e} is nearer than ${tok}`;
  }
  return null;
}

/** |x − c·10^q| times 2^max(0,−xe)·10^max(0,−q), an exact integer. */
function distance(x: number, c: bigint, q: number): bigint {
  const [xm, xe] = exact(x);
  const p2 = xe < 0 ? -xe : 0;
  const p10 = q < 0 ? -q : 0;
  const X = (xm << BigInt(xe + p2)) * 10n ** BigInt(p10);
  const C = (c * 10n ** BigInt(q + p10)) << BigInt(p2);
  return X > C ? X - C : C - X;
}

/** x = mant·2^exp exactly, mant an integer. */
function exact(x: number): [bigint, number] {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  const hi = b.getUint32(0);
  const lo = b.getUint32(4);
  const be = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (be) mant |= 1n << 52n;
  return [mant, (be || 1) - 1075];
}

t.test('direct double → 16-bit rounding (once, not through binary32)', async (t) => {
  // 1 + 2^-11 + 2^-40 is just above the float16 midpoint between 1 and 1 + 2^-10: rounded once it
  // goes up; through binary32 it would first lose 2^-40, tie, and go to even (1).
  const x = 1 + 2 ** -11 + 2 ** -40;
  t.equal(roundF16(x), 1 + 2 ** -10);
  t.equal(F16_TO_F32[f16BitsFromF32(Math.fround(x))], 1, 'the binary32 route differs');
  t.equal(f16BitsFromF64(x), 0x3c01);
  const y = 1 + 2 ** -8 + 2 ** -40; // bfloat16 likewise
  t.equal(roundBf16(y), 1 + 2 ** -7);
  t.equal(bf16BitsFromF64(y), 0x3f81);
  t.equal(roundF16(65519.99), 65504, 'below the overflow threshold');
  t.equal(roundF16(65520), Infinity, 'the threshold ties to even: infinity');
  t.equal(roundF16(2 ** -25), 0, 'half the smallest subnormal ties to 0');
  t.equal(roundF16(2 ** -25 + 2 ** -60), 2 ** -24);
  t.equal(f16BitsFromF64(-0), 0x8000);
  t.equal(f16BitsFromF64(NaN) & 0x7fff, 0x7e00);
  t.equal(bf16BitsFromF64(-Infinity), 0xff80);
  t.equal(roundBf16(3.4e38), Infinity);
  t.equal(roundToDtype('float64', 0.1), 0.1);
  t.equal(roundToDtype('float32', 0.1), Math.fround(0.1));
  // every 16-bit value is a fixed point and its bits come back
  let bad = 0;
  for (let h = 0; h < 65536; h++) {
    const a = decode16('float16', h);
    if (a === a && (f16BitsFromF64(a) !== h || (a !== F16_TO_F32[h]))) bad++;
    const b = decode16('bfloat16', h);
    if (b === b && (bf16BitsFromF64(b) !== h || b !== bf16ToF32(h) || bf16BitsFromF32(b) !== h)) bad++;
  }
  t.equal(bad, 0, 'all finite patterns are fixed points');
});

t.test('Python / numpy repr strings', async (t) => {
  // python3 -c 'print(repr(x))' for each x
  const f64: [number, string][] = [
    [0.1, '0.1'], [1.0, '1.0'], [-0.0, '-0.0'], [100.0, '100.0'], [1e-05, '1e-05'], [0.0001, '0.0001'],
    [1e16, '1e+16'], [1e15, '1000000000000000.0'], [9999999999999998.0, '9999999999999998.0'], [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'], [123456.789, '123456.789'], [1 / 3, '0.3333333333333333'],
    [2.5e-07, '2.5e-07'], [-1.5e300, '-1.5e+300'], [2 ** 53, '9007199254740992.0'], [0.30000000000000004, '0.30000000000000004'],
  ];
  for (const [x, s] of f64) t.equal(formatFloat('float64', x), s, `float64 ${s}`);
  // repr(np.float32(x)), numpy 1.24.2
  const f32: [number, string][] = [
    [0.10000000149011612, '0.1'], [0.3333333432674408, '0.33333334'], [9.999999747378752e-06, '1e-05'],
    [3.4028234663852886e38, '3.4028235e+38'], [1.401298464324817e-45, '1e-45'], [1.1754943508222875e-38, '1.1754944e-38'],
    [16777216.0, '16777216.0'], [1048576.25, '1048576.2'], [123456.7890625, '123456.79'], [4.203895392974451e-45, '4e-45'],
    [0.20000000298023224, '0.2'], [65504.0, '65504.0'], [10000000000.0, '10000000000.0'],
    [9.99999901978299e-05, '9.999999e-05'], [0.00010000001202570274, '0.00010000001'], [3.000000645916e-39, '3e-39'],
    [1.0000000272564224e16, '1e+16'], [8589973504.0, '8589974000.0'],
  ];
  for (const [x, s] of f32) t.equal(formatFloat('float32', x), s, `float32 ${s}`);
  // The one documented difference: numpy's Dragon4 bounds digits by the exact float32 interval
  // ('7.0385313e-26'), the contract by a binary64 parse then one rounding, as np.float32('7.038531e-26')
  // itself parses (it gives this value back): one digit fewer.
  t.equal(formatFloat('float32', 7.038531308148791e-26), '7.038531e-26');
  t.equal(Math.fround(Number('7.038531e-26')), 7.038531308148791e-26);
  // repr(np.float16(x)) with the bit pattern np.float16(x).view(np.uint16)
  const f16: [number, string][] = [
    [11878, '0.1'], [13653, '0.3333'], [31743, '65500.0'], [1023, '6.1e-05'], [1, '6e-08'], [26624, '2048.0'],
    [11877, '0.0999'], [1678, '0.0001'], [16968, '3.14'], [25552, '1000.0'], [31571, '60000.0'],
  ];
  for (const [h, s] of f16) t.equal(formatFloat('float16', decode16('float16', h)), s, `float16 ${s}`);
  // bfloat16 16.25: 16.2 and 16.3 are equally near and both round-trip; the even digit wins
  t.equal(formatFloat('bfloat16', 16.25), '16.2');
});

t.test('non-finite values and zeros', async (t) => {
  for (const d of ['float64', 'float32', 'float16', 'bfloat16'] as const) {
    t.equal(floatJson(d, NaN), '"nan"');
    t.equal(floatJson(d, Infinity), '"inf"');
    t.equal(floatJson(d, -Infinity), '"-inf"');
    t.equal(floatJson(d, 0), '0.0');
    t.equal(floatJson(d, -0), '-0.0');
    t.equal(floatJson(d, 1), '1.0');
    t.equal(floatJson(d, -2), '-2.0');
  }
  t.throws(() => shortestDecimal('float32', 0), RangeError);
  t.throws(() => shortestDecimal('float32', Infinity), RangeError);
  t.same(shortestDecimal('float32', Math.fround(0.1)), { digits: '1', exp: -1 });
  t.same(shortestDecimal('float64', 1e21), { digits: '1', exp: 21 });
  t.same(shortestDecimal('float16', 65504), { digits: '655', exp: 2 });
});

for (const dtype of ['float16', 'bfloat16'] as const) {
  t.test(`${dtype}: all 65536 bit patterns`, async (t) => {
    const failures: string[] = [];
    let checked = 0;
    for (let h = 0; h < 65536; h++) {
      const x = decode16(dtype, h);
      if (x !== x || x === 0 || !Number.isFinite(x)) continue;
      const neg = formatFloat(dtype, x);
      if (x < 0) {
        if (neg !== '-' + formatFloat(dtype, -x)) failures.push(`${h}: sign`);
        continue;
      }
      checked++;
      const bits = dtype === 'float16' ? f16BitsFromF64(Number(neg)) : bf16BitsFromF64(Number(neg));
      if (bits !== h) failures.push(`${h}: ${neg} parses to ${bits}`);
      const m = check(dtype, x);
      if (m) failures.push(m);
      if (failures.length > 20) break;
    }
    t.same(failures, [], `${checked} positive finite values`);
  });
}

t.test('float32: edges and 300k random bit patterns', async (t) => {
  const rng = seedrandom('floatfmt-f32');
  const patterns: number[] = [
    0x00000001, 0x00000002, 0x00000003, 0x007fffff, 0x00800000, 0x00800001, 0x7f7fffff, 0x7f7ffffe, 0x3f800000,
    0x3f800001, 0x3f7fffff, 0x4b800000, 0x4b7fffff, 0x49800002, 0x5e000000, 0x1e3ce508, 0x33800000,
  ];
  for (let e = 1; e < 255; e++) patterns.push(e << 23, (e << 23) | 1, (e << 23) | 0x7fffff); // powers of two and neighbours
  for (let i = 0; i < 300000; i++) patterns.push(Math.floor(rng() * 0x7f800000));
  // values weights take: uniform(-1, 1) and normal(0, 0.02) rounded to float32
  for (let i = 0; i < 20000; i++) patterns.push(bitsOf(Math.fround(rng() * 2 - 1)), bitsOf(Math.fround(0.02 * Math.sqrt(-2 * Math.log(rng() || 1)) * Math.cos(6.283185307179586 * rng()))));
  const failures: string[] = [];
  for (const u of patterns) {
    const x = Math.abs(f32FromBits(u >>> 0));
    if (x === 0 || !Number.isFinite(x)) continue;
    const m = check('float32', x);
    if (m) failures.push(m);
    if (failures.length > 20) break;
  }
  t.same(failures, [], `${patterns.length} patterns`);
});

function bitsOf(x: number): number {
  const f = new Float32Array([x]);
  return new Uint32Array(f.buffer)[0];
}

t.test('float64: the engine shortest in Python layout, round trip', async (t) => {
  const rng = seedrandom('floatfmt-f64');
  const failures: string[] = [];
  const dv = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 20000; i++) {
    dv.setUint32(0, Math.floor(rng() * 0x7ff00000));
    dv.setUint32(4, Math.floor(rng() * 2 ** 32));
    const x = dv.getFloat64(0);
    const s = formatFloat('float64', x);
    if (Number(s) !== x || JSON.parse(s) !== x) failures.push(`${x} → ${s}`);
    const sci = /e/.test(s);
    const a = Math.abs(x);
    if (sci !== (a < 1e-4 || a >= 1e16)) failures.push(`${s}: layout`);
    if (!sci && !s.includes('.')) failures.push(`${s}: no point`);
  }
  t.same(failures, []);
});
