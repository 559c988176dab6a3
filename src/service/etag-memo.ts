/**
 * A bounded memo from (URL, Accept) to the ETag and headers a tensor GET answers with. A
 * response is a pure function of the URL and Accept, so a repeated conditional request is
 * answered 304 before validation and canonicalisation run again: at the HTTP layer, before the
 * framework (`answerFromMemo`, the server's request listener), and in the onRequest hook for
 * requests that don't come through the server (app.inject).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Cache-Control of every tensor response (and of its 304s). */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Does an If-None-Match field match this strong ETag (weak comparison, `*` included)? */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

export interface MemoEntry {
  etag: string;
  labels: { route: string; scheme: string; format: string };
  /** the 304 counter bound to these labels (no label hashing per request) */
  counter?: { inc(): void };
  /** the request-duration histogram bound to these labels and status 304, per method */
  duration?: (method: string) => { observe(seconds: number): void };
}

export class EtagMemo {
  private readonly map = new Map<string, MemoEntry>();
  constructor(private readonly max = 10_000) {}

  static key(url: string, accept: string | undefined): string {
    return `${url}\u0000${accept ?? ''}`;
  }

  get(key: string): MemoEntry | undefined {
    return this.map.get(key);
  }

  /** The entry a conditional GET/HEAD matches, if any. */
  match(method: string | undefined, url: string, accept: string | undefined, ifNoneMatch: string | undefined): MemoEntry | undefined {
    if (!ifNoneMatch || (method !== 'GET' && method !== 'HEAD')) return undefined;
    const m = this.map.get(EtagMemo.key(url, accept));
    return m && etagMatches(ifNoneMatch, m.etag) ? m : undefined;
  }

  set(key: string, e: MemoEntry): void {
    if (this.map.has(key)) return;
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, e);
  }
}

/** What answerFromMemo needs besides the memo. */
export interface FastPathContext {
  memo: EtagMemo;
  /** false while closing: fastify then answers (503 on a closing server) */
  open(): boolean;
  /** a request id when the client sent none */
  nextId(): string;
  /** a debug line per answered request, when debug is on */
  log?: (line: object) => void;
}

/**
 * The server's first look at a request: a conditional GET/HEAD whose (URL, Accept) the memo
 * holds and whose If-None-Match matches is answered 304 right here, with the ETag,
 * Cache-Control, Vary and X-Request-Id a routed 304 carries, counted in the same metrics; the
 * framework never sees it (no routing, hooks, reply object or child logger: the cheapest
 * answer there is, as a cache revalidation should be). Returns false to let fastify handle it.
 */
export function answerFromMemo(ctx: FastPathContext, req: IncomingMessage, res: ServerResponse): boolean {
  const h = req.headers;
  const url = req.url;
  if (h['if-none-match'] === undefined || url === undefined || !ctx.open()) return false;
  const m = ctx.memo.match(req.method, url, h.accept, h['if-none-match']);
  if (!m) return false;
  const t0 = performance.now();
  const id = typeof h['x-request-id'] === 'string' ? h['x-request-id'] : ctx.nextId();
  res.writeHead(304, { 'x-request-id': id, etag: m.etag, 'cache-control': IMMUTABLE, vary: 'Accept' });
  res.end();
  m.counter?.inc();
  m.duration?.(req.method!).observe((performance.now() - t0) / 1000);
  ctx.log?.({ reqId: id, req: { method: req.method, url }, res: { statusCode: 304 } });
  return true;
}
