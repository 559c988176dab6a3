/**
 * One unit of work, plain data in → encoded bytes out. Runs in a worker thread (worker.ts) or,
 * for tiny tensors, inline on the main thread: the same function either way.
 */
import { type Plan, type PlannedStep, type NamedTensor, runPlan } from '../core/program.js';
import { type Dtype, type FloatDtype, type TensorData, BYTES, castTensor, tensorBytes } from '../core/dtype.js';
import { TorchError, ProgramError, Aborted } from '../core/errors.js';
import { drawer, transformChunks, publish, FAILED, STEPS, type DeferSpec } from './deferred.js';
import { encodeRaw, encodeNpy, encodeSafetensors, encodeNpz, encodeTensorJson, encodeProgramJson, encodeJsonRowsInto, type TensorJsonMeta } from '../core/encode/index.js';

export type JobFormat = 'json' | 'raw' | 'npy' | 'safetensors' | 'npz';

/** The json envelope plus the names of the params PyTorch takes as floats. */
export interface JsonMeta extends TensorJsonMeta {
  floatParams: string[];
}

export interface Job {
  plan: Plan;
  format: JobFormat;
  /** single-tensor routes: the JSON envelope; programs/models: undefined (name → lists) */
  json?: JsonMeta;
  /** safetensors __metadata__ */
  metadata?: Record<string, string>;
  /** cast every float tensor after generation (model.to(dtype)) */
  castTo?: FloatDtype;
  /**
   * Write the output tensors straight into this shared body (the main thread already wrote the
   * format header): byte offset per output name. The result is then `{ ok, placed: true }`.
   */
  placement?: { sab: SharedArrayBuffer; offsets: Record<string, number> };
  /**
   * With `placement`: a control block (src/worker/deferred.ts) whose STEPS the job sets to the
   * number of steps done after each step, once that step's output, if it is the output's last
   * write, is in the body. The main thread streams the body behind it (service/live-body.ts).
   */
  progress?: SharedArrayBuffer;
  /** With `placement` and `progress` (the same control block): deferred normal transforms. */
  defer?: DeferSpec;
}

export type JobResult =
  | { ok: true; body: Uint8Array }
  | { ok: true; placed: true }
  | { ok: false; kind: 'torch' | 'program' | 'aborted' | 'format'; pyType?: string; message: string; status?: number };

function viewAt(sab: SharedArrayBuffer, off: number, dtype: Dtype, n: number): TensorData | undefined {
  if (off % BYTES[dtype] !== 0) return undefined; // unaligned (e.g. after an odd float16 tensor): copy later
  switch (dtype) {
    case 'float32': return new Float32Array(sab, off, n);
    case 'float64': return new Float64Array(sab, off, n);
    case 'int64': return new BigInt64Array(sab, off, n);
    default: return new Uint16Array(sab, off, n);
  }
}

/** Publishes steps done; first copies an output that just got final but was not placed. */
function progressReporter(plan: Plan, pl: NonNullable<Job['placement']>, done: Int32Array): (st: PlannedStep, data: TensorData) => void {
  const last = new Map<string, number>();
  plan.steps.forEach((st, i) => last.set(st.name, i));
  const body = new Uint8Array(pl.sab);
  return (st, data) => {
    const off = pl.offsets[st.name];
    if (off !== undefined && last.get(st.name) === st.index && data.buffer !== pl.sab) {
      body.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), off);
    }
    publish(done, STEPS, st.index + 1);
  };
}

export function runJob(job: Job, shouldAbort?: () => boolean): JobResult {
  let tensors: NamedTensor[];
  const pl = job.placement;
  const place = pl && !job.castTo ? (name: string, dtype: Dtype, n: number) => (pl.offsets[name] === undefined ? undefined : viewAt(pl.sab, pl.offsets[name], dtype, n)) : undefined;
  const onStep = pl && job.progress && !job.castTo ? progressReporter(job.plan, pl, new Int32Array(job.progress)) : undefined;
  const defer = pl && onStep && job.defer ? job.defer : undefined;
  try {
    tensors = runPlan(job.plan, { shouldAbort, place, onStep, deferNormal: defer && drawer(defer) });
    if (defer) transformChunks(defer, pl!.sab, shouldAbort ?? (() => false)); // help with what is left
  } catch (e) {
    if (defer) publish(new Int32Array(defer.ctrl), FAILED, 1, true);
    if (e instanceof TorchError) return { ok: false, kind: 'torch', pyType: e.pyType, message: e.message };
    if (e instanceof ProgramError) return { ok: false, kind: 'program', message: e.message, status: e.status };
    if (e instanceof Aborted) return { ok: false, kind: 'aborted', message: 'aborted' };
    throw e;
  }
  if (job.castTo) tensors = tensors.map((t) => castTensor(t, job.castTo!));
  if (pl) {
    const body = new Uint8Array(pl.sab);
    for (const t of tensors) {
      if (t.data.buffer !== pl.sab) body.set(tensorBytes(t), pl.offsets[t.name]);
    }
    return { ok: true, placed: true };
  }
  return { ok: true, body: encode(job, tensors) };
}

function encode(job: Job, tensors: NamedTensor[]): Uint8Array {
  switch (job.format) {
    case 'raw': return encodeRaw(tensors[0]);
    case 'npy': return encodeNpy(tensors[0]);
    case 'safetensors': return encodeSafetensors(tensors, job.metadata);
    case 'npz': return encodeNpz(tensors);
    case 'json': {
      if (job.json) {
        const { floatParams, ...meta } = job.json;
        return encodeTensorJson(tensors[0], meta, new Set(floatParams));
      }
      return encodeProgramJson(tensors);
    }
  }
}

/** Encode rows [start, end) of a tensor that lives in shared memory as JSON text (parallel json). */
export interface SliceJob {
  /** the tensor: in shared memory, or a (cheap) plan each slice worker runs itself */
  sab?: SharedArrayBuffer;
  plan?: Plan;
  dtype: Dtype;
  shape: number[];
  start: number;
  end: number;
  /** write the text here (a region of the shared response body) and return its length */
  out: { sab: SharedArrayBuffer; offset: number; length: number };
}

/** A slice worker's own copy of a cheap tensor lives here between requests (no fresh pages). */
let sliceScratch = new ArrayBuffer(0);

function scratchView(dtype: Dtype, n: number): TensorData {
  if (sliceScratch.byteLength < n * 8) sliceScratch = new ArrayBuffer(n * 8);
  switch (dtype) {
    case 'float32': return new Float32Array(sliceScratch, 0, n);
    case 'float64': return new Float64Array(sliceScratch, 0, n);
    case 'int64': return new BigInt64Array(sliceScratch, 0, n);
    default: return new Uint16Array(sliceScratch, 0, n);
  }
}

/** A transformer beside a drawer job: claims deferred transforms until none is left. */
export interface TransformJob { defer: DeferSpec; body: SharedArrayBuffer }

export function runTransformJob(j: TransformJob, shouldAbort: () => boolean): number {
  return transformChunks(j.defer, j.body, shouldAbort);
}

export function runSliceJob(j: SliceJob): number {
  let n = 1;
  for (const d of j.shape) n *= d;
  const data = j.plan ? runPlan(j.plan, { place: (_name, dtype, m) => scratchView(dtype, m) })[0].data : viewAt(j.sab!, 0, j.dtype, n)!;
  return encodeJsonRowsInto({ dtype: j.dtype, shape: j.shape, data }, j.start, j.end, new Uint8Array(j.out.sab, j.out.offset, j.out.length));
}
