/**
 * Tensor encoders: pure functions from tensors to bytes (no fastify, no I/O), run in workers.
 * Every binary format also has a length function that needs only names, dtypes and shapes, so
 * HEAD and Content-Length never generate anything, and a `*Parts` form whose data parts are
 * zero-copy views (for streaming bodies larger than one Buffer may be).
 */
import { type Tensor, tensorBytes } from '../dtype.js';

export * from './floatfmt.js';
export * from './json.js';
export * from './npy.js';
export * from './safetensors.js';
export * from './npz.js';

/** `raw`: the tensor's little-endian storage, zero-copy (a view of the same memory). */
export function encodeRaw(t: Tensor): Buffer {
  const b = tensorBytes(t);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
