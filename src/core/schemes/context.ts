import type { FloatDtype, TensorData } from '../dtype.js';
import type { TorchGenerator } from '../rng/mt19937.js';

/** Everything a scheme needs: the stream, the target tensor and the resolved params. */
export interface InitContext {
  gen: TorchGenerator;
  shape: readonly number[];
  dtype: FloatDtype;
  n: number;
  /** Storage the scheme writes (contiguous, n elements). */
  out: TensorData;
  params: Record<string, unknown>;
  /** true when the values will be overwritten: advance the generator exactly, compute nothing. */
  advanceOnly: boolean;
  /** false for a strided view: normal_ then takes the serial path whatever n is. */
  contiguous: boolean;
  /** polled by long loops (QR, per-column randperm); true = stop with Aborted */
  shouldAbort?: () => boolean;
  /** RunOptions.deferNormal for this step: true = it drew the words of a float32 normal_fill */
  deferNormal?: (gen: TorchGenerator, out: Float32Array, n: number, mean: number, std: number) => boolean;
}

export const num = (p: Record<string, unknown>, k: string): number => p[k] as number;
