// .npy format 1.0 byte-identical to numpy 1.24's np.save. The expected headers were printed by
// /usr/bin/python3 (3.11) with numpy 1.24.2:
//   b = io.BytesIO(); np.save(b, a); print(repr(b.getvalue()))
import t from 'tap';
import { npyHeader, npyHeaderLength, npyEncodedLength, encodeNpy, encodeNpyParts, FormatNotAvailable, npyDtypeAvailable, NPY_DESCR } from '../../../src/core/encode/npy.js';
import type { Dtype } from '../../../src/core/dtype.js';

const numpyHeader = (dict: string, pad: number, lenByte: number) =>
  Buffer.concat([Buffer.from([0x93]), Buffer.from(`NUMPY\x01\x00`, 'latin1'), Buffer.from([lenByte, 0]), Buffer.from(dict + ' '.repeat(pad) + '\n', 'latin1')]);

t.test('np.save bytes', async (t) => {
  // np.arange(6, dtype='<f4').reshape(2, 3)
  const f32 = encodeNpy({ dtype: 'float32', shape: [2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) });
  const h = numpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 58, 0x76);
  t.equal(h.length, 128);
  t.same(f32.subarray(0, 128), h);
  t.equal(f32.subarray(128).toString('hex'), '000000000000803f0000004000004040000080400000a040');
  t.equal(f32.length, 152);
  // np.array(1.5) (0-d float64: no growth room)
  const f64 = encodeNpy({ dtype: 'float64', shape: [], data: new Float64Array([1.5]) });
  t.same(f64.subarray(0, 128), numpyHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", 62, 0x76));
  t.equal(f64.subarray(128).toString('hex'), '000000000000f83f');
  // np.array([1, -2, 3], dtype='<i8')
  const i64 = encodeNpy({ dtype: 'int64', shape: [3], data: new BigInt64Array([1n, -2n, 3n]) });
  t.same(i64.subarray(0, 128), numpyHeader("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", 60, 0x76));
  t.equal(i64.subarray(128).toString('hex'), '0100000000000000feffffffffffffff0300000000000000');
  // np.array([0.5, -2, 65504], dtype='<f2')
  const f16 = encodeNpy({ dtype: 'float16', shape: [3], data: new Uint16Array([0x3800, 0xc000, 0x7bff]) });
  t.same(f16.subarray(0, 128), numpyHeader("{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }", 60, 0x76));
  t.equal(f16.subarray(128).toString('hex'), '003800c0ff7b');
  // np.ones((1,)*20, dtype='<f4'): data at 192, not 128
  const ones = npyHeader('float32', new Array(20).fill(1));
  t.equal(ones.length, 192);
  t.same(ones, numpyHeader(`{'descr': '<f4', 'fortran_order': False, 'shape': (${new Array(20).fill(1).join(', ')}), }`, 68, 0xb6));
  // np.zeros((0, 5)) and np.zeros((64, 3, 7, 7)) headers
  t.same(npyHeader('float32', [0, 5]), numpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", 58, 0x76));
  t.same(npyHeader('float32', [64, 3, 7, 7]), numpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (64, 3, 7, 7), }", 51, 0x76));
});

t.test('header rules for any shape', async (t) => {
  const shapes: number[][] = [[], [0], [1], [5], [10, 20], [123456789012345], [2 ** 52], [3, 0, 2], new Array(64).fill(2), new Array(33).fill(1)];
  // the text ends exactly on 64 here, so numpy pads a full 64: the 192-byte header of
  // np.lib.format._write_array_header(b, {'descr': '<f4', 'fortran_order': False, 'shape': (1,)*10 + (10**11,)}, None)
  shapes.push([...new Array(10).fill(1), 1e11]);
  t.equal(npyHeader('float32', [...new Array(10).fill(1), 1e11]).length, 192);
  for (let r = 1; r <= 40; r++) shapes.push(Array.from({ length: r }, (_, i) => (i * 7919) % 1000));
  let sawFullPad = false;
  for (const shape of shapes) {
    for (const dtype of ['float32', 'float64', 'float16', 'int64'] as Dtype[]) {
      const h = npyHeader(dtype, shape);
      const text = h.subarray(10).toString('latin1');
      const dict = `{'descr': '${NPY_DESCR[dtype]}', 'fortran_order': False, 'shape': ${shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`}, }`;
      const growth = shape.length ? 21 - String(shape[0]).length : 0;
      if (h.length % 64 !== 0 || !text.startsWith(dict + ' '.repeat(growth)) || !text.endsWith('\n') || h.readUInt16LE(8) !== h.length - 10 || /[^ ]/.test(text.slice(dict.length, -1))) {
        t.fail(`${dtype} ${JSON.stringify(shape)}`);
      }
      // numpy pads 64 - (10 + len + 1) % 64 spaces: a full 64 when the text ends on a boundary
      const pad = h.length - 10 - dict.length - growth - 1;
      t.ok(pad >= 1 && pad <= 64, 'padding between 1 and 64');
      if (pad === 64) sawFullPad = true;
      t.equal(npyHeaderLength(dtype, shape), h.length);
    }
  }
  t.ok(sawFullPad, 'covers a header that ends exactly on 64');
  t.equal(npyEncodedLength('float32', [64, 3, 7, 7]), 128 + 64 * 3 * 7 * 7 * 4);
  t.equal(npyEncodedLength('int64', []), 128 + 8);
  t.throws(() => npyHeader('float32', new Array(30000).fill(1)), RangeError, 'format 1.0 caps the header at 65535 bytes');
});

t.test('bfloat16 has no npy dtype', async (t) => {
  t.equal(npyDtypeAvailable('bfloat16'), false);
  t.equal(npyDtypeAvailable('float16'), true);
  t.throws(() => encodeNpy({ dtype: 'bfloat16', shape: [2], data: new Uint16Array(2) }), FormatNotAvailable);
  try {
    npyHeader('bfloat16', [2]);
  } catch (e) {
    t.type(e, FormatNotAvailable);
    t.type(e, Error);
    const err = e as FormatNotAvailable;
    t.equal(err.name, 'FormatNotAvailable');
    t.equal(err.dtype, 'bfloat16');
    t.equal(err.format, 'npy');
    t.match(err.message, /safetensors/);
    t.equal(err.message, 'bfloat16 has no NumPy dtype, so format=npy cannot hold it; use format=safetensors or format=raw');
  }
});

t.test('parts are zero-copy; data length is checked', async (t) => {
  const data = new Float32Array([1, 2, 3, 4]);
  const [h, d] = encodeNpyParts({ dtype: 'float32', shape: [2, 2], data });
  t.equal(h.length, 128);
  t.equal(d.buffer, data.buffer, 'data part views the tensor');
  const whole = encodeNpy({ dtype: 'float32', shape: [2, 2], data });
  t.equal(whole.byteOffset, 0);
  t.equal(whole.buffer.byteLength, whole.length, 'owns exactly its bytes');
  t.throws(() => encodeNpy({ dtype: 'float32', shape: [3], data }), RangeError);
  // a view into a larger buffer
  const big = new Float32Array([9, 1, 2, 9]);
  const view = big.subarray(1, 3);
  t.same([...new Float32Array(encodeNpy({ dtype: 'float32', shape: [2], data: view }).buffer.slice(128))], [1, 2]);
});
