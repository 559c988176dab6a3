// A strict little ZIP reader for the npz tests, written from the PKWARE APPNOTE (4.3.7 local
// header, 4.3.12 central header, 4.3.14-16 ZIP64 end records, 4.5.3 ZIP64 extra), independent of
// the encoder. It walks the central directory from the end record and checks each local header
// against it.

export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  time: number;
  date: number;
  crc: number;
  size: number;
  offset: number;
  versionNeeded: number;
  localExtra: Buffer;
  centralExtra: Buffer;
  data: Buffer;
}

export interface ZipArchive {
  entries: ZipEntry[];
  zip64End: boolean;
}

const u64 = (b: Buffer, at: number) => Number(b.readBigUInt64LE(at));

function zip64Fields(extra: Buffer): number[] {
  for (let p = 0; p + 4 <= extra.length;) {
    const id = extra.readUInt16LE(p);
    const len = extra.readUInt16LE(p + 2);
    if (id === 1) {
      const out: number[] = [];
      for (let q = p + 4; q < p + 4 + len; q += 8) out.push(u64(extra, q));
      return out;
    }
    p += 4 + len;
  }
  return [];
}

/** Parses a whole archive; `withData: false` skips reading member bytes (layout-only tests). */
export function readZip(b: Buffer, withData = true): ZipArchive {
  const eocd = b.length - 22;
  if (b.readUInt32LE(eocd) !== 0x06054b50) throw new Error('no end of central directory (or a comment)');
  let count = b.readUInt16LE(eocd + 10);
  let cdSize = b.readUInt32LE(eocd + 12);
  let cdOffset = b.readUInt32LE(eocd + 16);
  let zip64End = false;
  if (eocd >= 20 && b.readUInt32LE(eocd - 20) === 0x07064b50) {
    zip64End = true;
    const at = u64(b, eocd - 20 + 8);
    if (b.readUInt32LE(at) !== 0x06064b50) throw new Error('bad ZIP64 end record');
    if (at !== eocd - 20 - 56) throw new Error('ZIP64 end record not right before its locator');
    count = u64(b, at + 32);
    cdSize = u64(b, at + 40);
    cdOffset = u64(b, at + 48);
  }
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (b.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central header ${i}`);
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    const flags = b.readUInt16LE(p + 8);
    const name = b.subarray(p + 46, p + 46 + nameLen).toString(flags & 0x800 ? 'utf8' : 'latin1');
    const centralExtra = Buffer.from(b.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen));
    let csize = b.readUInt32LE(p + 20);
    let usize = b.readUInt32LE(p + 24);
    let offset = b.readUInt32LE(p + 42);
    const z = zip64Fields(centralExtra);
    if (usize === 0xffffffff) usize = z.shift()!;
    if (csize === 0xffffffff) csize = z.shift()!;
    if (offset === 0xffffffff) offset = z.shift()!;
    if (csize !== usize) throw new Error('stored member with differing sizes');
    const e: ZipEntry = {
      name, flags, method: b.readUInt16LE(p + 10), time: b.readUInt16LE(p + 12), date: b.readUInt16LE(p + 14),
      crc: b.readUInt32LE(p + 16), size: usize, offset, versionNeeded: b.readUInt16LE(p + 6), localExtra: Buffer.alloc(0), centralExtra, data: Buffer.alloc(0),
    };
    if (withData) {
      if (b.readUInt32LE(offset) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
      const lNameLen = b.readUInt16LE(offset + 26);
      const lExtraLen = b.readUInt16LE(offset + 28);
      if (b.subarray(offset + 30, offset + 30 + lNameLen).toString(flags & 0x800 ? 'utf8' : 'latin1') !== name) throw new Error('local name differs');
      if (b.readUInt16LE(offset + 6) !== flags || b.readUInt32LE(offset + 14) !== e.crc) throw new Error('local header differs');
      e.localExtra = Buffer.from(b.subarray(offset + 30 + lNameLen, offset + 30 + lNameLen + lExtraLen));
      const start = offset + 30 + lNameLen + lExtraLen;
      e.data = Buffer.from(b.subarray(start, start + usize));
    }
    entries.push(e);
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (p !== cdOffset + cdSize) throw new Error('central directory size mismatch');
  return { entries, zip64End };
}
