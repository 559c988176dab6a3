/**
 * NumPy `.npy` format 1.0, byte-identical to numpy 1.24's `np.save` (API "Formats" → npy).
 *
 * Layout: `\x93NUMPY`, version 1.0, uint16 LE header length, then the header text
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (64, 3, 7, 7), }`, then
 * `21 - len(repr(shape[0]))` spaces of growth room (none for a 0-d array; numpy leaves it so a
 * file can be appended to in place), then spaces and a final `\n` so the data starts at a
 * multiple of 64. numpy's `_wrap_header` pads by `64 - (10 + len(header) + 1) % 64`, which is a
 * full 64 (never 0) when the text already ends on the boundary: that is why a 20-dim shape of
 * ones puts its data at byte 192, not 128. Data follows in C order, little-endian.
 */
import { type Dtype, type Tensor, tensorBytes, numel, BYTES } from '../dtype.js';

/**
 * The requested format cannot hold this tensor (bfloat16 in npy/npz): the HTTP layer answers
 * 406 with this message. Checked on the main thread with `npyDtypeAvailable` before dispatch,
 * because custom error classes do not survive a worker hop.
 */
export class FormatNotAvailable extends Error {
  constructor(readonly format: string, readonly dtype: string) {
    // raw holds one tensor only, so a program (npz) can only go to safetensors
    const use = format === 'npz' ? 'format=safetensors' : 'format=safetensors or format=raw';
    super(`${dtype} has no NumPy dtype, so format=${format} cannot hold it; use ${use}`);
    this.name = 'FormatNotAvailable';
  }
}

/** numpy `descr` of each dtype; bfloat16 has none. */
export const NPY_DESCR: Record<Dtype, string | null> = {
  float32: '<f4',
  float64: '<f8',
  float16: '<f2',
  bfloat16: null,
  int64: '<i8',
};

/** Whether npy/npz can carry the dtype (false only for bfloat16). */
export function npyDtypeAvailable(dtype: Dtype): boolean {
  return NPY_DESCR[dtype] !== null;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]; // \x93NUMPY, version 1.0
const ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;

/** Python's repr of a shape tuple: `()`, `(5,)`, `(64, 3, 7, 7)`. */
function shapeRepr(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** The header (magic through the final `\n`) of an npy file; throws FormatNotAvailable for bfloat16. */
export function npyHeader(dtype: Dtype, shape: readonly number[], format = 'npy'): Buffer {
  const descr = NPY_DESCR[dtype];
  if (descr === null) throw new FormatNotAvailable(format, dtype);
  let text = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  if (shape.length > 0) text += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const hlen = text.length + 1; // + the final '\n'
  const pad = ALIGN - ((MAGIC.length + 2 + hlen) % ALIGN);
  const total = MAGIC.length + 2 + hlen + pad;
  if (hlen + pad > 0xffff) throw new RangeError('npy header longer than format 1.0 allows');
  const out = Buffer.alloc(total, 0x20);
  out.set(MAGIC, 0);
  out.writeUInt16LE(hlen + pad, 8);
  out.write(text, 10, 'latin1');
  out[total - 1] = 0x0a;
  return out;
}

/** Byte length of the header alone (for Content-Length and npz layout without building it). */
export function npyHeaderLength(dtype: Dtype, shape: readonly number[]): number {
  return npyHeader(dtype, shape).length;
}

/** Total npy file length for a dtype and shape, without the data. */
export function npyEncodedLength(dtype: Dtype, shape: readonly number[]): number {
  return npyHeaderLength(dtype, shape) + numel(shape) * BYTES[dtype];
}

/** The npy file as [header, data] (data is a zero-copy view of the tensor's storage). */
export function encodeNpyParts(t: Tensor): [Buffer, Uint8Array] {
  const header = npyHeader(t.dtype, t.shape);
  return [header, checkedBytes(t)];
}

/** The tensor's bytes, checked against its shape (a mismatch would write a corrupt file). */
export function checkedBytes(t: Tensor): Uint8Array {
  const data = tensorBytes(t);
  const want = numel(t.shape) * BYTES[t.dtype];
  if (data.byteLength !== want) throw new RangeError(`tensor data has ${data.byteLength} bytes; shape [${t.shape.join(', ')}] of ${t.dtype} needs ${want}`);
  return data;
}

/** `np.save` of the tensor, as one Buffer that owns its memory. */
export function encodeNpy(t: Tensor): Buffer {
  const [header, data] = encodeNpyParts(t);
  const out = Buffer.allocUnsafeSlow(header.length + data.length);
  out.set(header, 0);
  out.set(data, header.length);
  return out;
}
