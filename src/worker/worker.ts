/**
 * Piscina worker: a few lines of glue. The task carries a SharedArrayBuffer of two int32
 * flags: [0] = cancel (set by the main thread), [1] = started (set here), so a queued task can
 * be dropped and a running one stops at its next poll instead of killing the thread.
 * Success returns the encoded bytes as a transferred ArrayBuffer (piscina moves top-level
 * values only); failures return a plain JobResult object (custom errors don't cross threads).
 */
import '../v8-flags.js'; // first: before any WebAssembly is compiled
import { move } from 'piscina';
import { runJob, runSliceJob, runTransformJob, type Job, type SliceJob, type TransformJob } from './job.js';

export interface WorkerTask { job?: Job; slice?: SliceJob; transform?: TransformJob; flags: SharedArrayBuffer }

export default function run(task: WorkerTask) {
  const flags = new Int32Array(task.flags);
  Atomics.store(flags, 1, 1);
  if (task.slice) return runSliceJob(task.slice);
  if (task.transform) return runTransformJob(task.transform, () => Atomics.load(flags, 0) !== 0);
  const res = runJob(task.job!, () => Atomics.load(flags, 0) !== 0);
  if (!res.ok || 'placed' in res) return res;
  return moveBytes(res.body);
}

/**
 * Transfer the bytes' own buffer when the view covers all of it; otherwise copy them out first.
 * (Not `b.slice()`: on a Buffer that is a view, and its `.buffer` can be a shared pool or scratch.)
 */
function moveBytes(b: Uint8Array) {
  const owns = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && !(b.buffer instanceof SharedArrayBuffer);
  if (owns) return move(b.buffer as ArrayBuffer);
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return move(copy.buffer);
}
