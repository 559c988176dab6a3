/**
 * safetensors (API "Formats" → safetensors, "Order"), readable by the `safetensors` libraries.
 *
 * Layout (huggingface/safetensors): u64 LE N, then N bytes of a JSON object, then the data.
 * The object maps each tensor name to `{"dtype","shape","data_offsets":[begin,end]}` with
 * offsets relative to the start of the data; an optional `"__metadata__"` (string → string)
 * comes first. The readers require the offsets to tile the data exactly (contiguous from 0, no
 * gaps or overlaps, end = data length) and `end - begin = numel × dtype size`; the header may be
 * padded with trailing spaces, and is here, to a multiple of 8 so the data is 8-byte aligned
 * (what the reference writer does). Tensors and their data are in the given (output) order.
 */
import { type Dtype, numel, BYTES } from '../dtype.js';
import type { NamedTensor } from '../program.js';
import { checkedBytes } from './npy.js';

/** safetensors dtype names. */
export const SAFETENSORS_DTYPE: Record<Dtype, string> = {
  float32: 'F32',
  float64: 'F64',
  float16: 'F16',
  bfloat16: 'BF16',
  int64: 'I64',
};

export interface TensorEntry {
  name: string;
  dtype: Dtype;
  shape: readonly number[];
}

export interface SafetensorsLayout {
  /** Everything before the data: the u64 length, the JSON text and its padding. */
  header: Buffer;
  /** Bytes of data after the header. */
  dataLength: number;
  /** [begin, end) of each entry's bytes, relative to the start of the data. */
  offsets: [number, number][];
}

/** Header and offsets for the entries (no tensor data needed: HEAD, Content-Length, Range). */
export function safetensorsLayout(entries: readonly TensorEntry[], metadata?: Record<string, string>): SafetensorsLayout {
  const parts: string[] = [];
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TypeError(`safetensors __metadata__ values must be strings (${k})`);
    }
    parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  }
  const seen = new Set<string>();
  const offsets: [number, number][] = [];
  let at = 0;
  for (const e of entries) {
    if (e.name === '__metadata__' || seen.has(e.name)) throw new RangeError(`safetensors: tensor name ${JSON.stringify(e.name)} is reserved or repeated`);
    seen.add(e.name);
    const end = at + numel(e.shape) * BYTES[e.dtype];
    offsets.push([at, end]);
    parts.push(`${JSON.stringify(e.name)}:{"dtype":"${SAFETENSORS_DTYPE[e.dtype]}","shape":[${e.shape.join(',')}],"data_offsets":[${at},${end}]}`);
    at = end;
  }
  const json = `{${parts.join(',')}}`;
  const jsonLength = Buffer.byteLength(json, 'utf8');
  const n = Math.ceil(jsonLength / 8) * 8;
  const header = Buffer.alloc(8 + n, 0x20);
  header.writeBigUInt64LE(BigInt(n), 0);
  header.write(json, 8, 'utf8');
  return { header, dataLength: at, offsets };
}

/** Total file length, from names, dtypes and shapes alone. */
export function safetensorsEncodedLength(entries: readonly TensorEntry[], metadata?: Record<string, string>): number {
  const { header, dataLength } = safetensorsLayout(entries, metadata);
  return header.length + dataLength;
}

/** The file as [header, data of each tensor...] (data parts are zero-copy views). */
export function encodeSafetensorsParts(tensors: readonly NamedTensor[], metadata?: Record<string, string>): Uint8Array[] {
  const { header } = safetensorsLayout(tensors, metadata);
  return [header, ...tensors.map(checkedBytes)];
}

/** The file as one Buffer that owns its memory. */
export function encodeSafetensors(tensors: readonly NamedTensor[], metadata?: Record<string, string>): Buffer {
  return concatParts(encodeSafetensorsParts(tensors, metadata));
}

/** Concatenates parts into one exactly sized Buffer with its own ArrayBuffer (transferable). */
export function concatParts(parts: readonly Uint8Array[]): Buffer {
  let n = 0;
  for (const p of parts) n += p.byteLength;
  const out = Buffer.allocUnsafeSlow(n);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  return out;
}
