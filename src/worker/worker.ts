/**
 * Piscina worker: a few lines of glue. The task carries a SharedArrayBuffer of two int32
 * flags: [0] = cancel (set by the main thread), [1] = started (set here), so a queued task can
 * be dropped and a running one stops at its next poll instead of killing the thread.
 * Success returns the encoded bytes as a transferred ArrayBuffer (piscina moves top-level
 * values only); failures return a plain JobResult object (custom errors don't cross threads).
 */
import { move } from 'piscina';
import { runJob, type Job } from './job.js';

export interface WorkerTask { job: Job; flags: SharedArrayBuffer }

export default function run(task: WorkerTask) {
  const flags = new Int32Array(task.flags);
  Atomics.store(flags, 1, 1);
  const res = runJob(task.job, () => Atomics.load(flags, 0) !== 0);
  if (!res.ok || 'placed' in res) return res;
  const b = res.body;
  const owns = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && !(b.buffer instanceof SharedArrayBuffer);
  return move((owns ? b.buffer : b.slice().buffer) as ArrayBuffer);
}
