// safetensors files, checked against the reference writer's own expected bytes and parsed here
// with the reader's rules (huggingface/safetensors `SafeTensors::read_metadata` / `validate`):
// u64 LE header size N ≤ 100 MB, N bytes of UTF-8 JSON starting with '{', offsets that tile the
// data contiguously from 0 (in offset order) with end − begin = numel × dtype size, and the last
// end equal to the data length.
import t from 'tap';
import { safetensorsLayout, safetensorsEncodedLength, encodeSafetensors, encodeSafetensorsParts, SAFETENSORS_DTYPE } from '../../../src/core/encode/safetensors.js';
import type { NamedTensor } from '../../../src/core/program.js';
import { numel, BYTES, type Dtype } from '../../../src/core/dtype.js';

const SIZE: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2, I64: 8 };

interface Info { dtype: string; shape: number[]; data_offsets: [number, number] }

/** Reads a file as the reference reader does; returns the header object and the names in file order. */
function readSafetensors(b: Buffer): { header: Record<string, unknown>; names: string[]; data: Buffer; n: number } {
  if (b.length < 8) throw new Error('HeaderTooSmall');
  const n = Number(b.readBigUInt64LE(0));
  if (n > 100_000_000) throw new Error('HeaderTooLarge');
  if (8 + n > b.length) throw new Error('InvalidHeaderLength');
  const text = new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(8, 8 + n));
  if (!text.startsWith('{')) throw new Error('InvalidHeaderStart');
  const header = JSON.parse(text) as Record<string, unknown>;
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__') as [string, Info][];
  const sorted = [...entries].sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0] || a[1].data_offsets[1] - b[1].data_offsets[1]);
  let start = 0;
  for (const [name, info] of sorted) {
    const [s, e] = info.data_offsets;
    if (s !== start || e < s) throw new Error(`InvalidOffset(${name})`);
    if (!(info.dtype in SIZE)) throw new Error(`dtype ${info.dtype}`);
    if (e - s !== numel(info.shape) * SIZE[info.dtype]) throw new Error('TensorInvalidInfo');
    start = e;
  }
  if (start + 8 + n !== b.length) throw new Error('MetadataIncompleteBuffer');
  const meta = header.__metadata__;
  if (meta !== undefined) for (const v of Object.values(meta as object)) if (typeof v !== 'string') throw new Error('metadata value');
  return { header, names: entries.map(([k]) => k), data: b.subarray(8 + n), n };
}

const named = (name: string, dtype: Dtype, shape: number[], fill = 1): NamedTensor => {
  const n = numel(shape);
  let data: NamedTensor['data'];
  if (dtype === 'float32') data = new Float32Array(n).map((_, i) => i * fill);
  else if (dtype === 'float64') data = new Float64Array(n).map((_, i) => i * fill);
  else if (dtype === 'int64') data = new BigInt64Array(n).map((_, i) => BigInt(i * fill));
  else data = new Uint16Array(n).map((_, i) => i * fill);
  return { name, dtype, shape, data };
};

t.test('byte-identical to the reference writer', async (t) => {
  // safetensors/src/tensor.rs test_serialization: "attn.0" F32 [1,2,3] = [0..5]
  const out = encodeSafetensors([{ name: 'attn.0', dtype: 'float32', shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) }]);
  t.same([...out], [
    64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
    116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
    58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
    101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
    0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
  ]);
  // test_serialization_forced_alignement: "attn0" F32 [1,1,2,3], 7 spaces of padding
  const out2 = encodeSafetensors([{ name: 'attn0', dtype: 'float32', shape: [1, 1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) }]);
  t.same([...out2.subarray(0, 8)], [72, 0, 0, 0, 0, 0, 0, 0]);
  t.equal(out2.subarray(8, 80).toString(), '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ');
  // test_empty: no tensors, with and without metadata
  t.same([...encodeSafetensors([])], [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
  t.same([...encodeSafetensors([], { framework: 'pt' })], [
    40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
    95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
    116, 34, 125, 125, 32, 32, 32, 32, 32,
  ]);
});

t.test('every dtype, order kept, metadata first, zero-size and 0-d tensors', async (t) => {
  const tensors = [
    named('z.weight', 'float32', [3, 2], 0.5),
    named('a.bias', 'float64', [2]),
    named('h', 'float16', [2, 2], 0x3c00),
    named('b', 'bfloat16', [1], 0x3f80),
    named('bn.num_batches_tracked', 'int64', []),
    named('empty', 'float32', [0, 5]),
    named('ünï/cödé "q"', 'float32', [1]),
  ];
  const out = encodeSafetensors(tensors, { format: 'pt', note: 'é' });
  const { header, names, data, n } = readSafetensors(out);
  t.equal(n % 8, 0, 'header padded to a multiple of 8');
  t.equal((8 + n) % 8, 0, 'data 8-byte aligned');
  t.same(Object.keys(header), ['__metadata__', ...tensors.map((x) => x.name)], 'metadata first, then the given order');
  t.same(names, tensors.map((x) => x.name));
  t.same(header.__metadata__, { format: 'pt', note: 'é' });
  tensors.forEach((x) => {
    const info = header[x.name] as Info;
    t.equal(info.dtype, SAFETENSORS_DTYPE[x.dtype]);
    t.same(info.shape, x.shape);
    const bytes = Buffer.from(x.data.buffer, x.data.byteOffset, x.data.byteLength);
    t.same(data.subarray(info.data_offsets[0], info.data_offsets[1]), bytes, `${x.name} data`);
  });
  t.equal(safetensorsEncodedLength(tensors, { format: 'pt', note: 'é' }), out.length);
  const layout = safetensorsLayout(tensors);
  t.same(layout.offsets[0], [0, 24]);
  t.equal(layout.dataLength, tensors.reduce((s, x) => s + numel(x.shape) * BYTES[x.dtype], 0));
  t.same(layout.offsets[5], [layout.offsets[4][1], layout.offsets[4][1]], 'a zero-size tensor has begin = end');
  t.equal(out.byteOffset, 0);
  t.equal(out.buffer.byteLength, out.length);
});

t.test('parts: header then zero-copy data views', async (t) => {
  const x = named('w', 'float32', [4]);
  const parts = encodeSafetensorsParts([x]);
  t.equal(parts.length, 2);
  t.equal(parts[1].buffer, x.data.buffer);
  t.same(Buffer.concat(parts), encodeSafetensors([x]));
});

t.test('invalid input is refused', async (t) => {
  t.throws(() => safetensorsLayout([{ name: 'a', dtype: 'float32', shape: [1] }, { name: 'a', dtype: 'float32', shape: [1] }]), RangeError);
  t.throws(() => safetensorsLayout([{ name: '__metadata__', dtype: 'float32', shape: [1] }]), RangeError);
  t.throws(() => safetensorsLayout([], { n: 1 as unknown as string }), TypeError);
  t.throws(() => encodeSafetensors([{ name: 'a', dtype: 'float32', shape: [3], data: new Float32Array(2) }]), RangeError);
  t.equal(safetensorsLayout([], {}).header.length, 16, 'empty metadata is left out');
});
