/**
 * The worker-thread pool (piscina 5): fixed size from WORKERS, warmed up before listen, own
 * admission control (503 + Retry-After when the queue is full), cancellation through a shared
 * flag (running task) or piscina's abort (queued task), and a healed pool after a thread dies.
 */
import fp from 'fastify-plugin';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { HttpProblem } from '../errors.js';
import { runJob, type Job, type JobResult, type SliceJob, type TransformJob } from '../worker/job.js';
import type { WorkerTask } from '../worker/worker.js';

const ext = path.extname(fileURLToPath(import.meta.url)); // .ts under tap, .js in dist
const WORKER_FILE = fileURLToPath(new URL(`../worker/worker${ext}`, import.meta.url));

export class Cancelled extends Error {
  constructor(readonly reason: 'timeout' | 'client') {
    super(reason === 'timeout' ? 'request time limit exceeded' : 'client went away');
    this.name = 'Cancelled';
  }
}

export class WorkPool {
  readonly piscina: Piscina;
  ready = false;
  /** deferred normal chunks done by transformer tasks (beside a drawer; tests and metrics) */
  transformedChunks = 0;
  /** tasks run to an answer (success or PyTorch error) */
  completed = 0;
  /** tasks a worker stopped early because their request went away or timed out */
  cancelled = 0;

  constructor(private readonly cfg: Config, private readonly log: FastifyInstance['log']) {
    this.piscina = new Piscina({
      filename: cfg.workerFile ?? WORKER_FILE,
      minThreads: cfg.workers,
      maxThreads: cfg.workers,
      idleTimeout: 2 ** 31 - 1,
      concurrentTasksPerWorker: 1,
    });
    this.piscina.on('error', (err: unknown) => this.log.error({ err }, 'worker pool error'));
  }

  /** Run one tiny job on every thread so the first request does not pay for thread start-up. */
  async warmup(job: Job): Promise<void> {
    await Promise.all(Array.from({ length: this.cfg.workers }, () => this.piscina.run({ job, flags: new SharedArrayBuffer(8) } satisfies WorkerTask)));
    this.ready = true;
  }

  get queueSize(): number {
    return this.piscina.queueSize;
  }

  /** Admission control: refuse before queueing when the queue is full. */
  admit(): void {
    if (this.piscina.queueSize >= this.cfg.limits.queue) {
      throw new HttpProblem('busy', `the worker queue is full (${this.piscina.queueSize} waiting); retry shortly`, { headers: { 'retry-after': '1' } });
    }
  }

  /** Run a job on a worker; `signal` aborts it (reason: Cancelled). Resolves to the body (empty when placed). */
  async run(job: Job, signal: AbortSignal): Promise<Uint8Array> {
    const res = (await this.cancellable({ job }, signal, () => this.cancelled++)) as ArrayBuffer | JobResult;
    if (res instanceof ArrayBuffer) {
      this.completed++;
      return new Uint8Array(res);
    }
    if (res.ok === false && res.kind === 'aborted') this.cancelled++;
    else this.completed++;
    if (res.ok && 'placed' in res) return EMPTY;
    return unwrap(res, signal);
  }

  /** Encode rows of a shared tensor as JSON text on a worker (parallel json). */
  async runSlice(slice: SliceJob, signal: AbortSignal): Promise<number> {
    if (signal.aborted) throw signal.reason;
    try {
      return (await this.piscina.run({ slice, flags: new SharedArrayBuffer(8) } satisfies WorkerTask, { signal })) as number;
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw this.workerFailed(err);
    }
  }

  /**
   * A transformer beside a drawer job (src/worker/deferred.ts): claims deferred transforms
   * until none is left. `signal` stops it (queued: dropped; running: at its next claim or wait).
   */
  async runTransform(transform: TransformJob, signal: AbortSignal): Promise<number> {
    const did = (await this.cancellable({ transform }, signal)) as number;
    this.transformedChunks += did;
    return did;
  }

  /**
   * Runs a task with a pair of shared int32 flags: [0] = cancel (set here when `signal`
   * aborts: a running task stops at its next poll), [1] = started (set by the worker; a task
   * not started yet is dropped from the queue instead). `onDropped` counts tasks that ended by
   * the signal before an answer.
   */
  private async cancellable(task: Omit<WorkerTask, 'flags'>, signal: AbortSignal, onDropped?: () => void): Promise<unknown> {
    const flags = new SharedArrayBuffer(8);
    const view = new Int32Array(flags);
    const queueAbort = new AbortController();
    const onAbort = () => {
      Atomics.store(view, 0, 1); // a running task stops at its next poll
      if (Atomics.load(view, 1) === 0) queueAbort.abort(signal.reason); // a queued one is dropped
    };
    if (signal.aborted) throw signal.reason;
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.piscina.run({ ...task, flags } satisfies WorkerTask, { signal: queueAbort.signal });
    } catch (err) {
      if (signal.aborted) {
        onDropped?.(); // dropped from the queue (or its thread ended) before it ran to an answer
        throw signal.reason;
      }
      throw this.workerFailed(err);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** A thread died or threw: the cause goes to the log, the client gets a generic 500. */
  private workerFailed(err: unknown): HttpProblem {
    this.log.error({ err }, 'worker failed');
    return new HttpProblem('internal', 'the worker handling this request failed; nothing was cached, retry the request');
  }

  async close(): Promise<void> {
    await this.piscina.close({ force: false });
  }
}

/** Run on the main thread (tiny tensors): the same job function, no hop. */
export function runInline(job: Job, signal: AbortSignal): Uint8Array {
  const res = runJob(job, () => signal.aborted);
  if (res.ok) return 'placed' in res ? EMPTY : res.body;
  return unwrap(res, signal);
}

const EMPTY = new Uint8Array(0);

function unwrap(res: JobResult, signal: AbortSignal): never {
  if (res.ok) throw new Error('unreachable');
  if (res.kind === 'aborted') throw signal.reason ?? new Cancelled('client');
  if (res.kind === 'torch') throw new HttpProblem('torch_error', res.message, { extra: { pytorch_error: res.pyType } });
  if (res.kind === 'format') throw new HttpProblem('not_acceptable', res.message);
  throw new HttpProblem(res.status === 400 ? 'bad_program' : 'program_error', res.message);
}

declare module 'fastify' {
  interface FastifyInstance {
    pool: WorkPool;
  }
}

export default fp(async function poolPlugin(app: FastifyInstance, opts: { config: Config; warmupJob: Job }) {
  const pool = new WorkPool(opts.config, app.log);
  app.decorate('pool', pool);
  app.addHook('onReady', async () => {
    await pool.warmup(opts.warmupJob);
  });
  app.addHook('onClose', async () => {
    await pool.close();
  });
}, { name: 'pool' });
