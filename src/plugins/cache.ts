/**
 * Content-addressed response cache: an in-process LRU bounded in bytes (CACHE_BYTES) plus
 * single-flight, so N identical concurrent requests run the work once. A flight is cancelled
 * only when every request waiting on it has gone (client closed, or its own time limit).
 * Failed work is never cached.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { SlabPool, type Slab } from '../service/slabs.js';

/** A response body; slab-backed bodies go back to the slab pool when the cache drops them. */
export interface CachedBody {
  bytes: Uint8Array;
  /** a body sent as several views (of `slab`) rather than one: `bytes` is then empty */
  parts?: Uint8Array[];
  slab?: Slab;
}

export function bodyLength(b: CachedBody): number {
  return b.parts ? b.parts.reduce((s, p) => s + p.byteLength, 0) : b.bytes.byteLength;
}

interface Flight {
  promise: Promise<CachedBody>;
  controller: AbortController;
  waiters: number;
}

export class TensorCache {
  private readonly lru = new Map<string, CachedBody>();
  private readonly flights = new Map<string, Flight>();
  bytes = 0;
  hits = 0;
  misses = 0;
  shared = 0;

  constructor(readonly maxBytes: number) {}

  /** Bodies larger than this are served but not kept (one tensor must not flush the cache). */
  get maxEntry(): number {
    return Math.floor(this.maxBytes / 4);
  }

  get(key: string): CachedBody | undefined {
    const v = this.lru.get(key);
    if (v) {
      this.lru.delete(key);
      this.lru.set(key, v);
    }
    return v;
  }

  set(key: string, body: CachedBody): void {
    const len = bodyLength(body);
    if (len > this.maxEntry || this.maxBytes === 0) {
      body.slab?.evict();
      return;
    }
    const old = this.lru.get(key);
    if (old) {
      this.bytes -= bodyLength(old);
      this.lru.delete(key);
      if (old.slab !== body.slab) old.slab?.evict();
    }
    this.lru.set(key, body);
    this.bytes += len;
    for (const [k, v] of this.lru) {
      if (this.bytes <= this.maxBytes) break;
      this.lru.delete(k);
      this.bytes -= bodyLength(v);
      v.slab?.evict();
    }
  }

  get entries(): number {
    return this.lru.size;
  }

  /**
   * The cached body, or the result of `compute` shared by every concurrent caller with the same
   * key. `signal` is this caller's own: when it aborts, this caller stops waiting (rejecting with
   * its reason) and the work is cancelled if nobody else waits.
   */
  async getOrCompute(key: string, compute: (signal: AbortSignal) => Promise<CachedBody>, signal: AbortSignal): Promise<{ body: CachedBody; hit: boolean; shared: boolean }> {
    const cached = this.get(key);
    if (cached) {
      this.hits++;
      return { body: cached, hit: true, shared: false };
    }
    let flight = this.flights.get(key);
    const joined = flight !== undefined;
    if (flight) this.shared++;
    else {
      this.misses++;
      const controller = new AbortController();
      const promise = compute(controller.signal).then((body) => {
        this.set(key, body);
        return body;
      });
      flight = { promise, controller, waiters: 0 };
      const f = flight;
      this.flights.set(key, f);
      promise.then(() => this.flights.delete(key), () => this.flights.delete(key));
    }
    const f = flight;
    f.waiters++;
    try {
      const body = await new Promise<CachedBody>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        const onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        f.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
      return { body, hit: false, shared: joined };
    } finally {
      f.waiters--;
      if (f.waiters === 0 && signal.aborted && this.flights.get(key) === f) {
        f.controller.abort(signal.reason);
      }
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    tensorCache: TensorCache;
    slabs: SlabPool;
  }
}

export default fp(async function cachePlugin(app: FastifyInstance, opts: { maxBytes: number }) {
  app.decorate('tensorCache', new TensorCache(opts.maxBytes));
  // idle slabs kept for reuse: a quarter of the cache budget (the cache itself holds the rest),
  // and at least one whole-model body (resnet50 is 102 MB in a 128 MiB class)
  app.decorate('slabs', new SlabPool(Math.max(Math.floor(opts.maxBytes / 4), 128 * 1024 * 1024)));
}, { name: 'cache' });
