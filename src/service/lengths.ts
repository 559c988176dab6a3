/**
 * Body length from names, dtypes and shapes alone (HEAD without work) for the formats that are
 * not laid out in place: npz. raw/npy/safetensors take theirs from bodyLayout (slabs.ts);
 * json is only known once generated.
 */
import type { Dtype } from '../core/dtype.js';
import type { Format } from '../http/negotiate.js';
import { npzEncodedLength } from '../core/encode/index.js';

export interface TensorMeta { name: string; dtype: Dtype; shape: number[] }

export function encodedLength(format: Format, tensors: TensorMeta[]): number | undefined {
  return format === 'npz' ? npzEncodedLength(tensors) : undefined;
}
