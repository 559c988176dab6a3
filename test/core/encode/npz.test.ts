// .npz archives: parsed with an independent reader (zip-reader.ts), members equal to np.save of
// each tensor, CRCs checked with the pure-JS CRC-32, compared member by member with a real
// np.savez archive, and the ZIP64 records laid out for sizes past 4 GiB.
import t from 'tap';
import { encodeNpz, encodeNpzParts, npzEncodedLength, npzLayout, npzCentralDirectory, npzLocalHeader, crc32, crc32Js } from '../../../src/core/encode/npz.js';
import { encodeNpy, FormatNotAvailable } from '../../../src/core/encode/npy.js';
import type { NamedTensor } from '../../../src/core/program.js';
import { readZip } from './zip-reader.js';

// io.BytesIO(); np.savez(b, **{'a': np.arange(3, dtype='<f4'), 'b.c': np.array(2.5)}); b.getvalue().hex()
// with /usr/bin/python3 3.11 and numpy 1.24.2 (it forces ZIP64 extras on every member).
const NUMPY_SAVEZ =
  '504b030414000000000000002100b68c86538c0000008c00000005001400612e6e7079010010008c000000000000008c00000000000000934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000803f00000040' +
  '504b03041400000000000000210035b43a93880000008800000007001400622e632e6e70790100100088000000000000008800000000000000934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000000000000440' +
  '504b0102140314000000000000002100b68c86538c0000008c000000050000000000000000000000800100000000612e6e7079504b010214031400000000000000210035b43a9388000000880000000700000000000000000000008001c3000000622e632e6e7079504b0506000000000200020068000000840100000000';

const f32 = (name: string, values: number[], shape = [values.length]): NamedTensor => ({ name, dtype: 'float32', shape, data: new Float32Array(values) });

t.test('CRC-32', async (t) => {
  t.equal(crc32Js(Buffer.from('123456789')), 0xcbf43926, 'the check value');
  t.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  t.equal(crc32Js(new Uint8Array(0)), 0);
  const data = new Uint8Array(100003);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  t.equal(crc32(data), crc32Js(data), 'native and JS agree');
  t.equal(crc32Js(data.subarray(5000), crc32Js(data.subarray(0, 5000))), crc32Js(data), 'continues across chunks');
  t.equal(crc32(data.subarray(7), crc32(data.subarray(0, 7))), crc32(data));
});

t.test('same members as np.savez', async (t) => {
  const ours = encodeNpz([f32('a', [0, 1, 2]), { name: 'b.c', dtype: 'float64', shape: [], data: new Float64Array([2.5]) }]);
  const theirs = readZip(Buffer.from(NUMPY_SAVEZ, 'hex'));
  const mine = readZip(ours);
  t.same(mine.entries.map((e) => e.name), ['a.npy', 'b.c.npy']);
  t.same(mine.entries.map((e) => e.name), theirs.entries.map((e) => e.name));
  mine.entries.forEach((e, i) => {
    t.same(e.data, theirs.entries[i].data, `${e.name}: same bytes as numpy`);
    t.equal(e.crc, theirs.entries[i].crc, `${e.name}: same CRC as numpy`);
    t.equal(e.crc, crc32Js(e.data));
    t.equal(e.method, 0, 'stored');
    t.equal(e.date, 0x21, '1980-01-01');
    t.equal(e.time, 0);
    t.equal(e.localExtra.length, 0, 'no ZIP64 extra below 4 GiB');
  });
  t.equal(mine.zip64End, false);
  t.equal(npzEncodedLength([{ name: 'a', dtype: 'float32', shape: [3] }, { name: 'b.c', dtype: 'float64', shape: [] }]), ours.length);
  t.equal(ours.byteOffset, 0);
  t.equal(ours.buffer.byteLength, ours.length);
});

t.test('members in order, equal to encodeNpy, deterministic', async (t) => {
  const tensors: NamedTensor[] = [
    f32('conv1.weight', [1, 2, 3, 4, 5, 6], [2, 3]),
    { name: 'bn1.num_batches_tracked', dtype: 'int64', shape: [], data: new BigInt64Array([0n]) },
    { name: 'half', dtype: 'float16', shape: [2], data: new Uint16Array([0x3c00, 0xc000]) },
    f32('empty', [], [0, 4]),
    f32('ünï', [1]),
  ];
  const a = encodeNpz(tensors);
  t.same(a, encodeNpz(tensors), 'same bytes every time');
  const z = readZip(a);
  t.same(z.entries.map((e) => e.name), tensors.map((x) => `${x.name}.npy`));
  z.entries.forEach((e, i) => {
    t.same(e.data, encodeNpy(tensors[i]), `${e.name} is its npy file`);
    t.equal(e.crc, crc32Js(e.data));
    t.equal(e.flags, tensors[i].name === 'ünï' ? 0x800 : 0, 'UTF-8 flag only for non-ASCII names');
  });
  t.equal(npzEncodedLength(tensors), a.length);
  const parts = encodeNpzParts(tensors);
  t.equal(parts[2].buffer, tensors[0].data.buffer, 'data parts are zero-copy');
  t.same(Buffer.concat(parts), a);
  const empty = encodeNpz([]);
  t.equal(empty.length, 22, 'an empty archive is its end record');
  t.same(readZip(empty).entries, []);
});

t.test('bfloat16 cannot go in an npz', async (t) => {
  t.throws(() => encodeNpz([{ name: 'w', dtype: 'bfloat16', shape: [1], data: new Uint16Array(1) }]), FormatNotAvailable);
  t.throws(() => npzEncodedLength([{ name: 'w', dtype: 'bfloat16', shape: [1] }]), FormatNotAvailable);
  t.throws(() => encodeNpz([{ name: 'w', dtype: 'bfloat16', shape: [1], data: new Uint16Array(1) }]), {
    name: 'FormatNotAvailable', format: 'npz', dtype: 'bfloat16', message: 'bfloat16 has no NumPy dtype, so format=npz cannot hold it; use format=safetensors',
  });
});

t.test('ZIP64 records past 4 GiB (layout only)', async (t) => {
  // 2^30 float32 = 4 GiB + header: the member needs ZIP64 sizes, the next one a ZIP64 offset,
  // and the central directory a ZIP64 end record
  const entries = [
    { name: 'big', dtype: 'float32' as const, shape: [2 ** 30] },
    { name: 'small', dtype: 'float32' as const, shape: [2] },
  ];
  const layout = npzLayout(entries);
  const [big, small] = layout.members;
  t.equal(big.size, 128 + 2 ** 32);
  t.equal(big.zip64Size, true);
  t.equal(big.localLength, 30 + 7 + 20);
  t.equal(small.zip64Size, false);
  t.equal(small.offset, big.localLength + big.size);
  t.ok(small.offset > 0xffffffff);
  t.equal(layout.zip64End, true);
  const local = npzLocalHeader(big, 0x12345678);
  t.equal(local.readUInt32LE(18), 0xffffffff);
  t.equal(local.readUInt32LE(22), 0xffffffff);
  t.equal(local.readUInt16LE(4), 45, 'version needed 4.5');
  t.equal(local.readUInt16LE(37), 1, 'ZIP64 extra id');
  t.equal(Number(local.readBigUInt64LE(41)), big.size);
  t.equal(Number(local.readBigUInt64LE(49)), big.size);
  // central directory + end records, placed at their offset in a sparse stand-in archive
  const cd = npzCentralDirectory(layout, [1, 2]);
  t.equal(cd.length, layout.centralLength + layout.endLength);
  const view = Buffer.alloc(cd.length + 64);
  cd.copy(view, 64);
  // re-base: the reader seeks to absolute offsets, so give it a buffer whose offsets are shifted
  const shift = layout.centralOffset - 64;
  const rebased = rebase(view, shift);
  const z = readZip(rebased, false);
  t.equal(z.zip64End, true);
  t.same(z.entries.map((e) => [e.name, e.size, e.offset, e.crc]), [['big.npy', big.size, 0, 1], ['small.npy', small.size, small.offset, 2]]);
  t.equal(npzEncodedLength(entries), layout.totalLength);
  t.equal(layout.totalLength, layout.centralOffset + cd.length);
});

/** A Buffer-like whose reads at absolute offset o hit b[o - shift] (only the reads readZip makes). */
function rebase(b: Buffer, shift: number): Buffer {
  return new Proxy(b, {
    get(target, prop) {
      if (prop === 'length') return target.length + shift;
      const v = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      if (typeof prop === 'string' && /^read/.test(prop)) return (o: number) => (v as (o: number) => unknown).call(target, o - shift);
      if (prop === 'subarray') return (s: number, e: number) => target.subarray(s - shift, e - shift);
      return v.bind(target);
    },
  });
}
