/** Body length of a binary format from names, dtypes and shapes alone (HEAD without work). */
import type { Dtype } from '../core/dtype.js';
import { BYTES, numel } from '../core/dtype.js';
import type { Format } from '../http/negotiate.js';
import { npyEncodedLength, safetensorsEncodedLength, npzEncodedLength } from '../core/encode/index.js';

export interface TensorMeta { name: string; dtype: Dtype; shape: number[] }

export function encodedLength(format: Format, tensors: TensorMeta[], metadata?: Record<string, string>): number | undefined {
  switch (format) {
    case 'raw': return numel(tensors[0].shape) * BYTES[tensors[0].dtype];
    case 'npy': return npyEncodedLength(tensors[0].dtype, tensors[0].shape);
    case 'safetensors': return safetensorsEncodedLength(tensors, metadata);
    case 'npz': return npzEncodedLength(tensors);
    default: return undefined; // json: only known once generated
  }
}
