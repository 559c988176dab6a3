/** A small independent safetensors reader for tests (u64 LE header length, JSON header, data). */
export interface StEntry { dtype: string; shape: number[]; bytes: Uint8Array }

export function parseSafetensors(buf: Uint8Array): Map<string, StEntry> & { metadata?: Record<string, string>; order: string[] } {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  const header = JSON.parse(Buffer.from(buf.subarray(8, 8 + n)).toString('utf8'));
  const out = new Map<string, StEntry>() as Map<string, StEntry> & { metadata?: Record<string, string>; order: string[] };
  out.order = [];
  for (const [k, v] of Object.entries(header) as [string, { dtype: string; shape: number[]; data_offsets: [number, number] }][]) {
    if (k === '__metadata__') { out.metadata = v as unknown as Record<string, string>; continue; }
    out.order.push(k);
    out.set(k, { dtype: v.dtype, shape: v.shape, bytes: buf.subarray(8 + n + v.data_offsets[0], 8 + n + v.data_offsets[1]) });
  }
  return out;
}
