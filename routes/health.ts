/** Liveness and readiness. */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { HttpProblem } from '../src/errors.js';
import { problemResponses } from '../src/schemas/common.js';

export default async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', {
    schema: { tags: ['meta'], summary: 'Liveness: 200 as soon as the server accepts requests', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: { tags: ['meta'], summary: 'Readiness: the worker pool is up', response: { 200: Type.Object({ status: Type.Literal('ready'), workers: Type.Integer() }), ...problemResponses(503) } },
  }, async () => {
    if (!app.pool.ready) throw new HttpProblem('not_ready', 'the worker pool is still starting', { headers: { 'retry-after': '1' } });
    return { status: 'ready' as const, workers: app.pool.piscina.threads.length };
  });
}
