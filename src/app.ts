/**
 * The application as a plugin tree: infrastructure (problems, metrics, cache, pool, OpenAPI),
 * then one encapsulated plugin per resource. Never listens: server.ts does, tests inject.
 */
import './v8-flags.js'; // first: before any WebAssembly is compiled
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from './config.js';
import { problemBody } from './errors.js';
import { planProgram } from './core/program.js';
import { EtagMemo, answerFromMemo, type FastPathContext } from './service/etag-memo.js';
import { notModified } from './service/tensor-reply.js';
import problem from './plugins/problem.js';
import metrics from './plugins/metrics.js';
import cache from './plugins/cache.js';
import pool from './plugins/pool.js';
import swagger from './plugins/swagger.js';
import healthRoutes from '../routes/health.js';
import initRoutes from '../routes/init.js';
import programRoutes from '../routes/programs.js';
import schemeRoutes from '../routes/schemes.js';
import gainRoutes from '../routes/gain.js';
import modelRoutes from '../routes/models.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    etagMemo: EtagMemo;
  }
}

/** Routes whose requests log at debug (probes and scrapes). */
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The request log: one JSON line per completed request, with its id, method, URL, status and
 * time (fastify's default writes a second line when a request arrives). Health probes, metrics
 * scrapes and cache revalidations (304) are high-volume and say nothing new: they log at debug
 * (LOG_LEVEL=debug shows them). A controller, not a hook: no extra step per request.
 */
class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: { method: request.method, url: request.url }, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime };
    if (error) return reply.log.error({ ...line, err: error }, 'request errored');
    if (reply.statusCode === 304 || QUIET_ROUTES.has(request.routeOptions?.url ?? '')) reply.log.debug(line, 'request completed');
    else reply.log.info(line, 'request completed');
  }
}

/** URLs longer than this are 414; header blocks over MAX_HEADER_BYTES are 431. */
export const MAX_URL_BYTES = 8192;
export const MAX_HEADER_BYTES = 64 * 1024;

function rawProblem(socket: Socket, status: number, reason: string, code: 'bad_request' | 'headers_too_large', detail: string) {
  const body = JSON.stringify(problemBody(code, status, detail));
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export async function buildApp(config: Config, opts: { logger?: FastifyServerOptions['logger'] } = {}): Promise<FastifyInstance> {
  const memo = new EtagMemo();
  let fast: FastPathContext | undefined; // set once the app exists (serverFactory runs first)
  const app = Fastify({
    logger: opts.logger ?? false,
    pluginTimeout: 120_000, // the pool warms up every worker thread in onReady
    bodyLimit: config.limits.bodyBytes,
    routerOptions: { maxParamLength: 1024 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, useDefaults: false } },
    requestIdHeader: 'x-request-id',
    logController: new RequestLog(),
    return503OnClosing: true,
    serverFactory: (handler) => http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
      if (fast && answerFromMemo(fast, req, res)) return;
      handler(req, res);
    }),
    clientErrorHandler: (err: Error & { code?: string }, socket: Socket) => {
      if (!socket.writable) return socket.destroy();
      if (err.code === 'HPE_HEADER_OVERFLOW') return rawProblem(socket, 431, 'Request Header Fields Too Large', 'headers_too_large', `the request line and headers exceed ${MAX_HEADER_BYTES} bytes`);
      return rawProblem(socket, 400, 'Bad Request', 'bad_request', 'malformed HTTP request');
    },
  }) as unknown as FastifyInstance;
  app.decorate('config', config);
  app.decorate('etagMemo', memo);
  let served = 0;
  fast = {
    memo,
    open: () => app.server.listening,
    nextId: () => `m304-${++served}`,
    log: (line) => app.log.debug(line, 'request completed'), // a no-op unless LOG_LEVEL is debug
  };

  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) routes.push({ method: m, url: r.url });
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (request.url.length > MAX_URL_BYTES) {
      const { HttpProblem } = await import('./errors.js');
      throw new HttpProblem('uri_too_long', `the URL is ${request.url.length} bytes; the limit is ${MAX_URL_BYTES}. Send large requests as POST bodies`);
    }
    // a repeated conditional GET: answered from the memo before any validation or work
    const m = memo.match(request.method, request.url, request.headers.accept, request.headers['if-none-match']);
    if (m) {
      request.tensorLabels = m.labels;
      m.counter?.inc();
      return notModified(reply, m.etag);
    }
  });

  await app.register(problem, { routes: () => routes });
  await app.register(swagger); // first, so its onRoute hook sees every later route
  await app.register(metrics);
  await app.register(cache, { maxBytes: config.cacheBytes });
  const warmupJob = { plan: planProgram({ seed: 0n, steps: [{ name: 'w', shape: [64], scheme: 'normal' }] }), format: 'raw' as const };
  await app.register(pool, { config, warmupJob });

  await app.register(healthRoutes);
  await app.register(initRoutes);
  await app.register(programRoutes);
  await app.register(schemeRoutes);
  await app.register(gainRoutes);
  await app.register(modelRoutes);
  return app;
}
