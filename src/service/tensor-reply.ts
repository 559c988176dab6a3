/**
 * Answering a tensor request, in the order that keeps it cheap and whole:
 * headers from the request alone → 304 on a matching If-None-Match → HEAD with a computed
 * length → cache / single-flight → admission → worker (or inline when tiny) → Range → bytes.
 * Any failure before the first byte becomes a problem document; nothing failed is cached.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { HttpProblem } from '../errors.js';
import { MEDIA_TYPES, type Format } from '../http/negotiate.js';
import { parseRange } from '../http/range.js';
import { Cancelled, runInline } from '../plugins/pool.js';
import type { Job } from '../worker/job.js';
import { EtagMemo, etagMatches, IMMUTABLE } from './etag-memo.js';
import { startLive, type LiveBody } from './live-body.js';
import type { BodyLayout } from './slabs.js';
import { bodyLength, type CachedBody } from '../plugins/cache.js';
import { jsonRowsBound } from '../core/encode/index.js';
import type { Dtype } from '../core/dtype.js';

/** Bodies at least this large are written by the worker straight into a reused slab. */
const SLAB_MIN = 256 * 1024;


/** Headers only tensor responses carry; the problem handler strips them. */
export const TENSOR_ONLY_HEADERS = ['etag', 'cache-control', 'vary', 'x-tensor-shape', 'x-tensor-dtype', 'x-seed', 'x-generator', 'content-disposition', 'accept-ranges', 'content-range'];

export interface TensorReply {
  etag: string;
  format: Format;
  /** X-Tensor-*, X-Seed, X-Generator, Content-Disposition */
  headers: Record<string, string>;
  job: Job;
  /** elements generated (inline decision) */
  elements: number;
  /** body length when computable without generating (binary formats) */
  length?: number;
  /** route label for metrics */
  route: string;
  /** header + tensor offsets for a zero-copy body (raw/npy/safetensors); null for other formats */
  layout?: BodyLayout | null;
  /** a big single-tensor json body: generated once, then encoded by every worker in slices */
  jsonSplit?: { prefix: string; dtype: Dtype; shape: number[]; bytes: number };
  scheme?: string;
  /** a preset: a plain GET streams the body while it is generated (live-body.ts) */
  stream?: boolean;
}


/** A label-bound metric per request method, bound on first use. */
function boundPerMethod<T>(bind: (method: string) => T): (method: string) => T {
  const by: Record<string, T> = {};
  return (method) => (by[method] ??= bind(method));
}

/**
 * A 304 carries the validator and caching fields a 200 would have (ETag, Cache-Control, Vary)
 * and no representation metadata (RFC 9110 §15.4.5): the X-Tensor-* and Content-Disposition
 * fields describe a body that is not sent.
 */
export function notModified(reply: FastifyReply, etag: string): FastifyReply {
  reply.header('etag', etag);
  reply.header('cache-control', IMMUTABLE);
  reply.header('vary', 'Accept');
  return reply.code(304).send();
}

export async function sendTensor(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, t: TensorReply): Promise<FastifyReply> {
  reply.header('etag', t.etag);
  reply.header('cache-control', IMMUTABLE);
  reply.header('vary', 'Accept');
  for (const [k, v] of Object.entries(t.headers)) reply.header(k, v);
  reply.header('content-type', MEDIA_TYPES[t.format]);
  const binary = t.format !== 'json';
  reply.header('accept-ranges', binary ? 'bytes' : 'none');
  const labels = { route: t.route, scheme: t.scheme ?? '', format: t.format };
  if (request.method === 'GET' || request.method === 'HEAD') {
    const metrics = app.metrics;
    app.etagMemo.set(EtagMemo.key(request.url, request.headers.accept), {
      etag: t.etag,
      labels,
      counter: metrics?.notModified.labels(labels.route, labels.scheme, labels.format),
      duration: metrics && boundPerMethod((method) => metrics.duration.labels(method, labels.route, '304', labels.scheme, labels.format)),
    });
  }

  if (etagMatches(request.headers['if-none-match'], t.etag)) {
    app.metrics?.notModified.inc(labels);
    for (const h of [...Object.keys(t.headers), 'content-type', 'accept-ranges']) reply.removeHeader(h);
    return notModified(reply, t.etag);
  }
  if (request.method === 'HEAD' && t.length !== undefined) {
    reply.header('content-length', String(t.length));
    return reply.send();
  }

  const signal = requestSignal(app, reply);
  let live: LiveBody | undefined;
  const streamable = t.stream === true && request.method === 'GET' && request.headers.range === undefined && t.layout && !(t.elements <= app.config.inlineElements);
  const flight = app.tensorCache.getOrCompute(t.etag, async (sig) => {
    if (streamable) {
      const started = startLive(app, t, sig);
      live = started.body;
      return started.done;
    }
    const inline = t.elements <= app.config.inlineElements;
    if (!inline) app.pool.admit();
    const layout = !inline && t.length !== undefined && t.length >= SLAB_MIN ? t.layout : null;
    if (t.jsonSplit && app.config.workers >= 2) return parallelJson(app, t, t.jsonSplit, sig);
    if (layout) {
      // zero-copy: the worker writes the tensors into a reused shared body behind our header
      const slab = app.slabs.acquire(layout.total);
      new Uint8Array(slab.sab).set(layout.header, 0);
      try {
        await app.pool.run({ ...t.job, placement: { sab: slab.sab, offsets: layout.offsets } }, sig);
      } catch (e) {
        slab.evict();
        throw e;
      }
      return { bytes: slab.body(), slab };
    }
    return { bytes: inline ? runInline(t.job, sig) : await app.pool.run(t.job, sig) };
  }, signal);
  if (live) {
    // this request runs the work: send the body as it is generated (a failure before the
    // first byte still becomes a problem document: the stream only starts once data is final)
    const body = live;
    flight.then(() => app.metrics?.generatedBytes.inc(labels, t.length ?? 0), () => {});
    app.metrics?.cache.inc({ result: 'miss' });
    return sendLive(reply, body, t.layout!.total);
  }
  const { body: cached, hit, shared } = await flight;
  app.metrics?.cache.inc({ result: hit ? 'hit' : shared ? 'shared' : 'miss' });
  if (!hit && !shared) app.metrics?.generatedBytes.inc(labels, bodyLength(cached));
  if (cached.slab) {
    const slab = cached.slab;
    slab.pin();
    reply.raw.once('close', () => slab.unpin());
  }

  if (cached.parts) {
    // a json body in several views of one slab (parallel json): stream them, no copy
    reply.header('content-length', String(bodyLength(cached)));
    if (request.method === 'HEAD') return reply.send();
    return reply.send(Readable.from(cached.parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)), { objectMode: false }));
  }
  const body = cached.bytes;
  let buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (binary) {
    const range = parseRange(request.headers.range, buf.byteLength);
    if (range) {
      reply.code(206);
      reply.header('content-range', `bytes ${range.start}-${range.end}/${buf.byteLength}`);
      buf = buf.subarray(range.start, range.end + 1);
    }
  }
  reply.header('content-length', String(buf.byteLength));
  if (request.method === 'HEAD') return reply.send();
  // fastify sends a Buffer as is only when it sits on an ArrayBuffer; a json body on a shared
  // slab would be re-serialised, so hand it over as a one-chunk stream (still zero-copy)
  if (!binary && buf.buffer instanceof SharedArrayBuffer) return reply.send(Readable.from([buf], { objectMode: false }));
  return reply.send(buf);
}

/**
 * Sends a live body. Headers wait for its first final bytes past the header, so an early
 * failure (queue full, a worker that dies at once) is still a problem document; after that a
 * failure can only close the connection short.
 */
async function sendLive(reply: FastifyReply, body: LiveBody, total: number): Promise<FastifyReply> {
  await body.started;
  const slab = body.slab;
  slab.pin();
  reply.raw.once('close', () => slab.unpin());
  reply.header('content-length', String(total));
  return reply.send(body);
}

/** Aborts when the client goes away or the request's time limit (from arrival) passes. */
function requestSignal(app: FastifyInstance, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const remaining = Math.max(0, app.config.limits.requestTimeoutMs - reply.elapsedTime);
  const timer = setTimeout(() => controller.abort(new HttpProblem('timeout', `generation exceeded the request time limit of ${app.config.limits.requestTimeoutMs} ms and was cancelled`)), remaining);
  timer.unref();
  const onClose = () => {
    clearTimeout(timer);
    if (!reply.raw.writableEnded) controller.abort(new Cancelled('client'));
  };
  reply.raw.once('close', onClose);
  reply.raw.once('finish', () => clearTimeout(timer));
  return controller.signal;
}

/**
 * JSON of a big tensor on every worker at once: each worker writes the text of a band of rows
 * straight into its own region of a reused shared body (each region reserves one byte in front
 * for the joining comma), and the response is sent as those views — no copy, no allocation.
 * Formatting shortest round-trip digits costs ~30× generating the values, so for cheap schemes
 * each worker generates the tensor itself (no extra round trip); others generate it once into
 * a shared slab first.
 */
async function parallelJson(app: FastifyInstance, t: TensorReply, j: NonNullable<TensorReply['jsonSplit']>, sig: AbortSignal): Promise<CachedBody> {
  const cheap = CHEAP_SCHEMES.has(t.scheme ?? '');
  const data = cheap ? null : app.slabs.acquire(j.bytes);
  try {
    if (data) await app.pool.run({ ...t.job, format: 'raw', json: undefined, placement: { sab: data.sab, offsets: { weight: 0 } } }, sig);
    const rows = j.shape[0];
    const parts = Math.min(app.config.workers, rows);
    const bands = Array.from({ length: parts }, (_, k) => [Math.floor((rows * k) / parts), Math.floor((rows * (k + 1)) / parts)] as const);
    const head = Buffer.from(`${j.prefix}[`);
    const bounds = bands.map(([s, e]) => jsonRowsBound(j, s, e));
    const starts: number[] = [];
    let at = head.length;
    for (const b of bounds) {
      starts.push(at);
      at += b + 3; // + room for the joining comma in front of the next band, or the closing "]}"
    }
    const out = app.slabs.acquire(at);
    try {
      const body = new Uint8Array(out.sab);
      body.set(head, 0);
      const source = data ? { sab: data.sab } : { plan: t.job.plan };
      const lens = await Promise.all(bands.map(([start, end], k) => app.pool.runSlice({ ...source, dtype: j.dtype, shape: j.shape, start, end, out: { sab: out.sab, offset: starts[k], length: bounds[k] } }, sig)));
      const views: Uint8Array[] = [];
      for (let k = 0; k < lens.length; k++) {
        const from = k === 0 ? 0 : starts[k] - 1;
        if (k > 0) body[from] = 0x2c; // ,
        let end = starts[k] + lens[k];
        if (k === lens.length - 1) {
          body[end++] = 0x5d; // ]
          body[end++] = 0x7d; // }
        }
        views.push(new Uint8Array(out.sab, from, end - from));
      }
      return { bytes: new Uint8Array(0), parts: views, slab: out };
    } catch (e) {
      out.evict();
      throw e;
    }
  } finally {
    data?.evict();
  }
}

/** Schemes cheap enough (a few ms per 1M elements) that each json slice worker regenerates them. */
const CHEAP_SCHEMES = new Set(['uniform', 'normal', 'constant', 'ones', 'zeros', 'eye', 'dirac', 'xavier_uniform', 'xavier_normal', 'kaiming_uniform', 'kaiming_normal']);
