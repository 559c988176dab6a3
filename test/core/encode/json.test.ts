// JSON bodies (API "Formats" → json, "JSON numbers", "Order"): envelope key order, nesting as
// tensor.tolist() gives it, element tokens per dtype, param typing, program objects in order.
import t from 'tap';
import { encodeTensorJson, encodeProgramJson, encodeJsonData, paramsJson, paramJson } from '../../../src/core/encode/json.js';
import type { Tensor, Dtype, TensorData } from '../../../src/core/dtype.js';
import { allocate } from '../../../src/core/dtype.js';

const tensor = (dtype: Dtype, shape: number[], values: number[] | bigint[] | TensorData): Tensor => {
  if (ArrayBuffer.isView(values)) return { dtype, shape, data: values as TensorData };
  const data = allocate(dtype, values.length);
  (values as never[]).forEach((v, i) => { (data as unknown as never[])[i] = v; });
  return { dtype, shape, data };
};
const text = (t: Tensor) => encodeJsonData(t).toString('utf8');

const META = { scheme: 'kaiming_normal', shape: [2, 3], dtype: 'float32', seed: '42', generator: 'torch', params: { a: 0, mode: 'fan_in', nonlinearity: 'leaky_relu' } };

t.test('envelope: keys in contract order, compact, float params as floats', async (t) => {
  const body = encodeTensorJson(tensor('float32', [2, 3], [1, 2, 3, 4, 5, 6]), META, new Set(['a']));
  t.ok(Buffer.isBuffer(body));
  t.equal(body.byteOffset, 0, 'owns its memory (transferable without a copy)');
  t.equal(body.buffer.byteLength, body.length);
  const s = body.toString();
  t.equal(s, '{"scheme":"kaiming_normal","shape":[2,3],"dtype":"float32","seed":"42","generator":"torch",' +
    '"params":{"a":0.0,"mode":"fan_in","nonlinearity":"leaky_relu"},"data":[[1.0,2.0,3.0],[4.0,5.0,6.0]]}');
  t.same(Object.keys(JSON.parse(s)), ['scheme', 'shape', 'dtype', 'seed', 'generator', 'params', 'data']);
});

t.test('params: integers, floats, non-finite, nested, order', async (t) => {
  t.equal(paramsJson({ mean: 0, std: 1, groups: 2, sparsity: 0.1 }, new Set(['mean', 'std', 'sparsity'])),
    '{"mean":0.0,"std":1.0,"groups":2,"sparsity":0.1}');
  t.equal(paramsJson({ a: Infinity, b: -Infinity, c: NaN }, new Set(['a'])), '{"a":"inf","b":"-inf","c":"nan"}');
  t.equal(paramsJson({ gain: 1e-5, val: 1e16, n: 2 ** 60 }, new Set(['gain', 'val'])), '{"gain":1e-05,"val":1e+16,"n":1152921504606846976}');
  t.equal(paramsJson({ a: true, s: 'x"y', z: null, u: undefined, k: 10n }), '{"a":true,"s":"x\\"y","z":null,"k":10}');
  t.equal(paramsJson({ values: [1, 2.5, [3]] }, new Set(['values'])), '{"values":[1.0,2.5,[3.0]]}');
  t.equal(paramsJson({ o: { x: 1, y: 0.5 } }), '{"o":{"x":1,"y":0.5}}');
  t.equal(paramsJson({ notfloat: 0.25 }), '{"notfloat":0.25}', 'a non-integral number is printed as it is');
  t.equal(paramsJson({}), '{}');
  t.equal(paramJson([undefined, () => 1], false), '[null,null]', 'what JSON.stringify would write for an array');
  t.equal(paramJson(-0, false), '0');
  t.equal(paramJson(-0, true), '-0.0');
  for (const s of [paramsJson({ a: 1, b: [1, null, 2] }, new Set(['a']))]) t.doesNotThrow(() => JSON.parse(s));
});

t.test('nesting as tolist(): scalars, empty dims, deep shapes', async (t) => {
  t.equal(text(tensor('float32', [], [0.5])), '0.5', '0-d → a bare number');
  t.equal(text(tensor('float32', [0], [])), '[]');
  t.equal(text(tensor('float32', [0, 5], [])), '[]');
  t.equal(text(tensor('float32', [2, 0], [])), '[[],[]]');
  t.equal(text(tensor('float32', [2, 0, 3], [])), '[[],[]]');
  t.equal(text(tensor('float32', [1, 2, 0], [])), '[[[],[]]]');
  t.equal(text(tensor('float32', [1, 1, 1, 1], [3])), '[[[[3.0]]]]');
  t.equal(text(tensor('float32', [3], [1, 2, 3])), '[1.0,2.0,3.0]');
  t.throws(() => text(tensor('float32', [2, 2], [1, 2, 3])), RangeError, 'data must match the shape');
  const shape = [2, 3, 4];
  const vals = Array.from({ length: 24 }, (_, i) => i / 8);
  const parsed = JSON.parse(text(tensor('float64', shape, vals)));
  const expect = [0, 1].map((i) => [0, 1, 2].map((j) => [0, 1, 2, 3].map((k) => vals[i * 12 + j * 4 + k])));
  t.same(parsed, expect, 'C order');
});

t.test('long rows cross the internal write blocks', async (t) => {
  const n = 70000;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.fround((i - 35000) / 7);
  const arr = JSON.parse(text(tensor('float32', [n], data)));
  t.equal(arr.length, n);
  let bad = 0;
  for (let i = 0; i < n; i++) if (Math.fround(arr[i]) !== data[i]) bad++;
  t.equal(bad, 0, 'every element parses back to itself');
  const two = JSON.parse(text(tensor('float32', [2, n / 2], data)));
  t.equal(two[1][0], Number(JSON.stringify(arr[n / 2])));
});

t.test('every dtype: tokens, non-finite strings, signed zeros', async (t) => {
  // json.dumps(a.tolist(), separators=(',', ':')) for a = np.array([[0.1, -0.0, 1e-7], [1e16, 2.5, -3.0]])
  t.equal(text(tensor('float64', [2, 3], [0.1, -0.0, 1e-7, 1e16, 2.5, -3.0])), '[[0.1,-0.0,1e-07],[1e+16,2.5,-3.0]]');
  t.equal(text(tensor('float32', [4], [NaN, Infinity, -Infinity, -0])), '["nan","inf","-inf",-0.0]');
  t.equal(text(tensor('float32', [3], [Math.fround(0.1), Math.fround(1 / 3), Math.fround(-1e-5)])), '[0.1,0.33333334,-1e-05]');
  t.equal(text(tensor('float16', [5], new Uint16Array([0x2e66, 0x7bff, 0x7e00, 0xfc00, 0x0001]))), '[0.1,65500.0,"nan","-inf",6e-08]');
  t.equal(text(tensor('bfloat16', [4], new Uint16Array([0x3dcd, 0x7f7f, 0x8000, 0x4182]))), '[0.1,3.39e+38,-0.0,16.2]');
  t.equal(text(tensor('int64', [4], [0n, -1n, 9223372036854775807n, -9223372036854775808n])), '[0,-1,9223372036854775807,-9223372036854775808]');
  t.equal(text(tensor('int64', [], [7n])), '7');
  // the 16-bit token cache gives the same text on a second pass
  t.equal(text(tensor('float16', [2], new Uint16Array([0x2e66, 0x2e66]))), '[0.1,0.1]');
});

t.test('program JSON: names in the given order, any name text', async (t) => {
  const tensors = [
    { name: 'conv.weight', ...tensor('float32', [1, 2], [1, -2]) },
    { name: 'bn.num_batches_tracked', ...tensor('int64', [], [0n]) },
    { name: 'a"b/é', ...tensor('float64', [0], []) },
  ];
  const body = encodeProgramJson(tensors);
  const s = body.toString('utf8');
  t.equal(s, '{"conv.weight":[[1.0,-2.0]],"bn.num_batches_tracked":0,"a\\"b/é":[]}');
  t.same(Object.keys(JSON.parse(s)), ['conv.weight', 'bn.num_batches_tracked', 'a"b/é']);
  t.equal(encodeProgramJson([]).toString(), '{}');
  // names that sort differently keep their program order
  const order = ['z', 'a', 'm', '10', '2'];
  t.same(Object.keys(JSON.parse(encodeProgramJson(order.map((name) => ({ name, ...tensor('float32', [], [1]) }))).toString())).filter((k) => !/^\d+$/.test(k)), ['z', 'a', 'm']);
  t.match(encodeProgramJson(order.map((name) => ({ name, ...tensor('float32', [], [1]) }))).toString(), /^\{"z":1\.0,"a":1\.0,"m":1\.0,"10":1\.0,"2":1\.0\}$/);
});

t.test('a large body is produced in one piece and parses', async (t) => {
  const n = 1 << 18;
  const data = new Float32Array(n);
  let s = 1;
  for (let i = 0; i < n; i++) { s = (s * 48271) % 2147483647; data[i] = (s / 2147483647 - 0.5) * 0.2; }
  const body = encodeTensorJson({ dtype: 'float32', shape: [512, 512], data }, { ...META, shape: [512, 512], params: {} });
  const obj = JSON.parse(body.toString());
  t.equal(obj.data.length, 512);
  let bad = 0;
  for (let i = 0; i < n; i++) if (Math.fround(obj.data[i >> 9][i & 511]) !== data[i]) bad++;
  t.equal(bad, 0);
});
