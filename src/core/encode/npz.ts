/**
 * `.npz` archives (API "Formats" → npz, "Order"): a ZIP with one STORED member `<name>.npy`
 * per tensor, in output order, which `np.load` reads to the same arrays `np.savez` writes.
 *
 * Deterministic: every member is dated 1980-01-01 00:00, the DOS epoch (np.savez's members get
 * the same date: zipfile's `open(name, 'w')` uses ZipInfo's default). Member names are flagged
 * UTF-8 (bit 11) when not ASCII, as Python's zipfile does. ZIP64 extra fields appear only where a
 * size or offset reaches 0xFFFFFFFF; np.savez forces one into every local header (20 bytes each),
 * which with the file mode bits is all that separates its archive from this one: the members'
 * bytes and CRCs are equal. Sizes and offsets depend only on names, dtypes and shapes, so the
 * length is known before generating (`npzEncodedLength`); only the CRC-32s need the data.
 */
import { type Dtype, numel, BYTES } from '../dtype.js';
import type { NamedTensor } from '../program.js';
import { npyHeader, checkedBytes } from './npy.js';
import { concatParts, type TensorEntry } from './safetensors.js';
import * as zlib from 'node:zlib';

// ---------------------------------------------------------------------------------------------
// CRC-32 (ISO-HDLC, the ZIP one): zlib's native crc32 where Node has it (20.15+; ~GB/s), else a
// table-driven slicing-by-8 fallback.

const TABLES = (() => {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 8; k++) { c = t[c & 0xff] ^ (c >>> 8); t[k * 256 + n] = c; }
  }
  return t;
})();

/** CRC-32 of `data` continuing from `crc` (0 to start), in pure JS. */
export function crc32Js(data: Uint8Array, crc = 0): number {
  const t = TABLES;
  let c = ~crc;
  let i = 0;
  const n = data.length;
  for (; i + 8 <= n; i += 8) {
    const a = c ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    c = t[1792 + (a & 0xff)] ^ t[1536 + ((a >>> 8) & 0xff)] ^ t[1280 + ((a >>> 16) & 0xff)] ^ t[1024 + (a >>> 24)] ^
      t[768 + data[i + 4]] ^ t[512 + data[i + 5]] ^ t[256 + data[i + 6]] ^ t[data[i + 7]];
  }
  for (; i < n; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const nativeCrc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 of `data` continuing from `crc` (0 to start). */
export function crc32(data: Uint8Array, crc = 0): number {
  if (nativeCrc32) {
    // zlib's crc32 takes at most 2^32-1 bytes per call on some builds: feed it in slices
    const STEP = 1 << 30;
    for (let at = 0; at < data.length; at += STEP) crc = nativeCrc32(data.subarray(at, Math.min(data.length, at + STEP)), crc);
    return crc >>> 0;
  }
  return crc32Js(data, crc);
}

// ---------------------------------------------------------------------------------------------
// Layout.

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const EOCD_SIG = 0x06054b50;
const EOCD64_SIG = 0x06064b50;
const LOCATOR64_SIG = 0x07064b50;
const U32_MAX = 0xffffffff;
const DOS_TIME = 0; // 00:00:00
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
/** Regular file, rw-r--r--, with "made by" Unix so unzip restores a sane mode. */
const EXTERNAL_ATTR = (0o100644 << 16) >>> 0;

export interface NpzMemberLayout {
  /** `<name>.npy` */
  fileName: Buffer;
  utf8: boolean;
  npyHeader: Buffer;
  /** npy header + data bytes (stored: compressed size = uncompressed size) */
  size: number;
  /** offset of the local header */
  offset: number;
  /** local header length (fixed part + name + extra) */
  localLength: number;
  /** the local header carries a ZIP64 extra (size >= 0xFFFFFFFF) */
  zip64Size: boolean;
}

export interface NpzLayout {
  members: NpzMemberLayout[];
  centralOffset: number;
  centralLength: number;
  /** length of the end records (EOCD, plus ZIP64 EOCD and locator when needed) */
  endLength: number;
  zip64End: boolean;
  totalLength: number;
}

function centralExtraLength(m: NpzMemberLayout): number {
  const fields = (m.zip64Size ? 2 : 0) + (m.offset >= U32_MAX ? 1 : 0);
  return fields ? 4 + 8 * fields : 0;
}

/** Offsets and sizes of every record, from names, dtypes and shapes alone. */
export function npzLayout(entries: readonly TensorEntry[]): NpzLayout {
  const members: NpzMemberLayout[] = [];
  let at = 0;
  for (const e of entries) {
    const header = npyHeader(e.dtype, e.shape, 'npz');
    const name = `${e.name}.npy`;
    const fileName = Buffer.from(name, 'utf8');
    if (fileName.length > 0xffff) throw new RangeError('npz member name longer than 65535 bytes');
    const size = header.length + numel(e.shape) * BYTES[e.dtype as Dtype];
    const zip64Size = size >= U32_MAX;
    const localLength = 30 + fileName.length + (zip64Size ? 20 : 0);
    members.push({ fileName, utf8: /[^\x00-\x7f]/.test(name), npyHeader: header, size, offset: at, localLength, zip64Size });
    at += localLength + size;
  }
  const centralOffset = at;
  let centralLength = 0;
  for (const m of members) centralLength += 46 + m.fileName.length + centralExtraLength(m);
  const zip64End = members.length >= 0xffff || centralOffset >= U32_MAX || centralLength >= U32_MAX;
  const endLength = 22 + (zip64End ? 56 + 20 : 0);
  return { members, centralOffset, centralLength, endLength, zip64End, totalLength: centralOffset + centralLength + endLength };
}

/** Total archive length (for HEAD / Content-Length without generating). */
export function npzEncodedLength(entries: readonly TensorEntry[]): number {
  return npzLayout(entries).totalLength;
}

/** The local file header of a member with its CRC-32. */
export function npzLocalHeader(m: NpzMemberLayout, crc: number): Buffer {
  const b = Buffer.alloc(m.localLength);
  b.writeUInt32LE(LOCAL_SIG, 0);
  b.writeUInt16LE(m.zip64Size ? 45 : 20, 4); // version needed: 4.5 for ZIP64, else 2.0
  b.writeUInt16LE(m.utf8 ? 0x800 : 0, 6);
  b.writeUInt16LE(0, 8); // stored
  b.writeUInt16LE(DOS_TIME, 10);
  b.writeUInt16LE(DOS_DATE, 12);
  b.writeUInt32LE(crc >>> 0, 14);
  b.writeUInt32LE(m.zip64Size ? U32_MAX : m.size, 18);
  b.writeUInt32LE(m.zip64Size ? U32_MAX : m.size, 22);
  b.writeUInt16LE(m.fileName.length, 26);
  b.writeUInt16LE(m.zip64Size ? 20 : 0, 28);
  m.fileName.copy(b, 30);
  if (m.zip64Size) {
    const x = 30 + m.fileName.length;
    b.writeUInt16LE(0x0001, x);
    b.writeUInt16LE(16, x + 2);
    b.writeBigUInt64LE(BigInt(m.size), x + 4); // uncompressed
    b.writeBigUInt64LE(BigInt(m.size), x + 12); // compressed
  }
  return b;
}

/** Central directory and end records, given each member's CRC-32. */
export function npzCentralDirectory(layout: NpzLayout, crcs: readonly number[]): Buffer {
  const b = Buffer.alloc(layout.centralLength + layout.endLength);
  let p = 0;
  layout.members.forEach((m, i) => {
    const bigOffset = m.offset >= U32_MAX;
    const zip64 = m.zip64Size || bigOffset;
    b.writeUInt32LE(CENTRAL_SIG, p);
    b.writeUInt16LE((3 << 8) | (zip64 ? 45 : 20), p + 4); // made by: Unix
    b.writeUInt16LE(zip64 ? 45 : 20, p + 6);
    b.writeUInt16LE(m.utf8 ? 0x800 : 0, p + 8);
    b.writeUInt16LE(0, p + 10);
    b.writeUInt16LE(DOS_TIME, p + 12);
    b.writeUInt16LE(DOS_DATE, p + 14);
    b.writeUInt32LE(crcs[i] >>> 0, p + 16);
    b.writeUInt32LE(m.zip64Size ? U32_MAX : m.size, p + 20);
    b.writeUInt32LE(m.zip64Size ? U32_MAX : m.size, p + 24);
    b.writeUInt16LE(m.fileName.length, p + 28);
    const extra = centralExtraLength(m);
    b.writeUInt16LE(extra, p + 30);
    b.writeUInt16LE(0, p + 32); // comment
    b.writeUInt16LE(0, p + 34); // disk
    b.writeUInt16LE(0, p + 36); // internal attributes
    b.writeUInt32LE(EXTERNAL_ATTR, p + 38);
    b.writeUInt32LE(bigOffset ? U32_MAX : m.offset, p + 42);
    m.fileName.copy(b, p + 46);
    p += 46 + m.fileName.length;
    if (extra) {
      // the ZIP64 extra holds exactly the fields set to 0xFFFFFFFF, in this order
      b.writeUInt16LE(0x0001, p);
      b.writeUInt16LE(extra - 4, p + 2);
      let x = p + 4;
      if (m.zip64Size) {
        b.writeBigUInt64LE(BigInt(m.size), x);
        b.writeBigUInt64LE(BigInt(m.size), x + 8);
        x += 16;
      }
      if (bigOffset) b.writeBigUInt64LE(BigInt(m.offset), x);
      p += extra;
    }
  });
  const count = layout.members.length;
  const cdEnd = layout.centralOffset + layout.centralLength;
  if (layout.zip64End) {
    b.writeUInt32LE(EOCD64_SIG, p);
    b.writeBigUInt64LE(44n, p + 4); // size of the rest of this record
    b.writeUInt16LE((3 << 8) | 45, p + 12);
    b.writeUInt16LE(45, p + 14);
    b.writeUInt32LE(0, p + 16); // this disk
    b.writeUInt32LE(0, p + 20); // disk of the central directory
    b.writeBigUInt64LE(BigInt(count), p + 24);
    b.writeBigUInt64LE(BigInt(count), p + 32);
    b.writeBigUInt64LE(BigInt(layout.centralLength), p + 40);
    b.writeBigUInt64LE(BigInt(layout.centralOffset), p + 48);
    p += 56;
    b.writeUInt32LE(LOCATOR64_SIG, p);
    b.writeUInt32LE(0, p + 4);
    b.writeBigUInt64LE(BigInt(cdEnd), p + 8); // offset of the ZIP64 end record
    b.writeUInt32LE(1, p + 16); // total disks
    p += 20;
  }
  b.writeUInt32LE(EOCD_SIG, p);
  b.writeUInt16LE(0, p + 4);
  b.writeUInt16LE(0, p + 6);
  b.writeUInt16LE(Math.min(count, 0xffff), p + 8);
  b.writeUInt16LE(Math.min(count, 0xffff), p + 10);
  b.writeUInt32LE(Math.min(layout.centralLength, U32_MAX), p + 12);
  b.writeUInt32LE(Math.min(layout.centralOffset, U32_MAX), p + 16);
  b.writeUInt16LE(0, p + 20); // comment
  return b;
}

/** The archive as parts: per member [local header, npy header, data view], then the directory. */
export function encodeNpzParts(tensors: readonly NamedTensor[]): Uint8Array[] {
  const layout = npzLayout(tensors);
  const parts: Uint8Array[] = [];
  const crcs: number[] = [];
  layout.members.forEach((m, i) => {
    const data = checkedBytes(tensors[i]);
    const crc = crc32(data, crc32(m.npyHeader));
    crcs.push(crc);
    parts.push(npzLocalHeader(m, crc), m.npyHeader, data);
  });
  parts.push(npzCentralDirectory(layout, crcs));
  return parts;
}

/** `np.savez` of the tensors (as `name=array` keywords, in order), as one Buffer. */
export function encodeNpz(tensors: readonly NamedTensor[]): Buffer {
  return concatParts(encodeNpzParts(tensors));
}
