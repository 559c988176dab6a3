// The encoders' entry point: every format is exported from one module, and `raw` is the
// tensor's own memory (zero-copy), little-endian, in C order.
import t from 'tap';
import * as E from '../../../src/core/encode/index.js';

t.test('raw is a zero-copy view of the storage', async (t) => {
  const data = new Float32Array([1, 2, 3, 4]);
  const raw = E.encodeRaw({ dtype: 'float32', shape: [2, 2], data });
  t.ok(Buffer.isBuffer(raw));
  t.equal(raw.buffer, data.buffer);
  t.equal(raw.toString('hex'), '0000803f000000400000404000008040');
  data[0] = 0;
  t.equal(raw.readFloatLE(0), 0, 'shares memory');
  const big = new Float64Array([9, 1.5, 9]);
  const view = E.encodeRaw({ dtype: 'float64', shape: [1], data: big.subarray(1, 2) });
  t.equal(view.length, 8);
  t.equal(view.readDoubleLE(0), 1.5);
  t.equal(E.encodeRaw({ dtype: 'int64', shape: [0], data: new BigInt64Array(0) }).length, 0);
});

t.test('one module exports every encoder', async (t) => {
  for (const name of ['encodeTensorJson', 'encodeProgramJson', 'encodeNpy', 'npyHeader', 'npyEncodedLength', 'encodeSafetensors',
    'safetensorsLayout', 'safetensorsEncodedLength', 'encodeNpz', 'npzEncodedLength', 'crc32', 'formatFloat', 'FormatNotAvailable']) {
    t.type((E as Record<string, unknown>)[name], 'function', name);
  }
});
