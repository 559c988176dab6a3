/**
 * A body sent while it is generated (model presets), by several threads at once.
 *
 * The drawer job runs the program into a shared slab behind the header and publishes its
 * progress in a control block (src/worker/deferred.ts): steps done, and for the deferred float32
 * normal transforms, which a transformer task beside it (and the drawer, once its program is
 * done) claim chunk by chunk. An output is final once its last step is done and its transform
 * chunks, if any, are. This stream sends the body's final prefix as views of the slab as it
 * grows, so the transfer (~50 ms for resnet50's 102 MB on loopback here) overlaps the work.
 *
 * Only presets stream: their programs are fixed and checked, so once the work has started
 * nothing but a dying worker can fail it. The headers wait for the first final bytes past the
 * header, so an early failure is still a problem document; a failure after that can only close
 * the connection short of Content-Length, which every HTTP client reports as an incomplete body.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Slab } from './slabs.js';
import type { CachedBody } from '../plugins/cache.js';
import type { TensorReply } from './tensor-reply.js';
import { deferrableNormals, lastWrites } from '../core/program.js';
import { WASM_ENGINE } from '../core/wasm/kernels.js';
import { HttpProblem } from '../errors.js';
import { ctrlBytes, chunksPerRegion, publish, DONE, EPOCH, FAILED, REGION0, STEPS, type DeferSpec } from '../worker/deferred.js';

/** An output's place in the body and what it waits for. */
interface LiveOutput { offset: number; lastStep: number; region?: number; chunks?: number }

export class LiveBody extends Readable {
  /** bytes [0, sent) have been pushed */
  private sent = 0;
  /** bytes [0, ready) are final */
  private ready = 0;
  private wanted = false;
  private finished = false;
  private gate!: { resolve: () => void; reject: (e: Error) => void };
  /** Resolves once bytes past the header are final (or all are); rejects if the work fails first. */
  readonly started: Promise<void>;

  /** `outputs` by ascending offset; `ctrl` is the drawer's control block. */
  constructor(readonly slab: Slab, private readonly total: number, private readonly outputs: LiveOutput[], private readonly ctrl: Int32Array) {
    super();
    this.started = new Promise<void>((resolve, reject) => (this.gate = { resolve, reject }));
    this.started.catch(() => {}); // observed by the sender; a failure after the start is the stream's
    this.on('error', () => {}); // the response pipeline reports it (and closes the connection)
  }

  /** Re-reads the control block: the prefix up to the first output still waiting is final. */
  refresh(): void {
    const steps = Atomics.load(this.ctrl, STEPS);
    let ready = this.total;
    for (const o of this.outputs) {
      if (o.lastStep >= steps || (o.region !== undefined && Atomics.load(this.ctrl, REGION0 + o.region) < o.chunks!)) {
        ready = o.offset;
        break;
      }
    }
    if (ready > this.ready && ready > (this.outputs[0]?.offset ?? 0)) {
      this.ready = ready;
      this.gate.resolve();
    }
    if (this.wanted) this.pump();
  }

  /** The whole body is final. */
  complete(): void {
    this.finished = true;
    this.ready = this.total;
    this.gate.resolve();
    if (this.wanted) this.pump();
  }

  /** The work failed: before the start the sender answers with a problem, after it the stream dies. */
  fail(err: Error): void {
    this.finished = true;
    this.gate.reject(err);
    // before the start nobody reads this stream (the sender answers with a problem): an error
    // event would go unheard, i.e. crash the process
    if (this.ready === 0) this.destroy();
    else this.destroy(err);
  }

  get isFinished(): boolean {
    return this.finished;
  }

  override _read(): void {
    this.wanted = true;
    this.pump();
  }

  private pump(): void {
    if (this.destroyed || this.sent >= this.ready) return;
    const from = this.sent;
    this.sent = this.ready;
    this.wanted = false;
    const more = this.push(Buffer.from(this.slab.sab, from, this.ready - from));
    if (this.sent === this.total) this.push(null);
    else if (more) this.wanted = true;
  }
}

/** Atomics.waitAsync (Node ≥ 16; typed in TypeScript's es2024 lib, which this project does not use). */
interface AtomicsWaitAsync {
  waitAsync(a: Int32Array, index: number, value: number, timeout?: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

/**
 * Calls `onChange` whenever the control block's EPOCH moves, until `isDone()`. Workers wake this
 * at most once a millisecond for progress (deferred.ts publish), so it also looks every 2 ms.
 */
async function follow(ctrl: Int32Array, onChange: () => void, isDone: () => boolean): Promise<void> {
  let seen = Atomics.load(ctrl, EPOCH);
  while (!isDone()) {
    const w = (Atomics as unknown as AtomicsWaitAsync).waitAsync(ctrl, EPOCH, seen, 2);
    if (w.async) await w.value;
    const now = Atomics.load(ctrl, EPOCH);
    if (now !== seen) {
      seen = now;
      onChange();
    }
  }
}

/** Deferred transforms pay off from this many elements (a task hop costs ~0.1 ms). */
const DEFER_MIN_ELEMENTS = 1 << 16;

/**
 * Starts a preset's work on the pool as a live body: the drawer job, and beside it a
 * transformer when there are deferred transforms and a second worker. `done` settles when the
 * whole body is final (then it is cached like any other) or the work failed.
 */
export function startLive(app: FastifyInstance, t: TensorReply, sig: AbortSignal): { body: LiveBody; done: Promise<CachedBody> } {
  app.pool.admit();
  const layout = t.layout!;
  const plan = t.job.plan;
  const aligned = (name: string) => layout.offsets[name] !== undefined && layout.offsets[name] % 4 === 0;
  const picked = WASM_ENGINE && app.config.workers >= 2 ? deferrableNormals(plan, aligned, DEFER_MIN_ELEMENTS) : [];
  // with fused kernels the body is a shared wasm memory the workers fill and transform in place
  const slab = (picked.length && WASM_ENGINE?.fused ? app.slabs.acquireMemory(layout.total) : null) ?? app.slabs.acquire(layout.total);
  new Uint8Array(slab.sab).set(layout.header, 0);
  const regions = picked.map((d) => ({ step: d.step, offset: layout.offsets[d.name], n: d.n }));
  const ctrlSab = new SharedArrayBuffer(ctrlBytes(regions));
  const ctrl = new Int32Array(ctrlSab);
  const scratch = slab.memory ? slab.memory.buffer.byteLength - 65536 : undefined;
  const defer: DeferSpec | undefined = regions.length ? { ctrl: ctrlSab, regions, memory: slab.memory, scratch } : undefined;
  const chunks = chunksPerRegion(regions);
  const regionOf = new Map(picked.map((d, i) => [d.name, i]));
  const last = lastWrites(plan);
  const outputs: LiveOutput[] = plan.outputs
    .map((o, i) => ({ offset: layout.offsets[o.name], lastStep: last[i], region: regionOf.get(o.name), chunks: regionOf.has(o.name) ? chunks[regionOf.get(o.name)!] : undefined }))
    .sort((a, b) => a.offset - b.offset);
  const body = new LiveBody(slab, layout.total, outputs, ctrl);
  void follow(ctrl, () => body.refresh(), () => body.isFinished);

  const stopTransformer = new AbortController();
  const onAbort = () => stopTransformer.abort(sig.reason);
  sig.addEventListener('abort', onAbort, { once: true });
  const drawer = app.pool.run({ ...t.job, placement: { sab: slab.sab, offsets: layout.offsets }, progress: ctrlSab, defer }, sig);
  const transformer = defer ? app.pool.runTransform({ defer, body: slab.sab }, stopTransformer.signal) : Promise.resolve(0);
  transformer.catch(() => {}); // awaited below, after the drawer: meanwhile a rejection must not count as unhandled
  const done = (async (): Promise<CachedBody> => {
    try {
      await drawer;
      await transformer;
      const total = chunks.reduce((a, b) => a + b, 0);
      if (Atomics.load(ctrl, DONE) !== total) throw new HttpProblem('internal', `deferred transforms incomplete (${Atomics.load(ctrl, DONE)} of ${total}); nothing was cached, retry the request`);
    } catch (e) {
      publish(ctrl, FAILED, 1, true); // a waiting transformer leaves
      stopTransformer.abort(e);
      slab.evict();
      body.fail(e as Error);
      throw e;
    } finally {
      sig.removeEventListener('abort', onAbort);
    }
    body.complete();
    return { bytes: slab.body(), slab };
  })();
  return { body, done };
}
