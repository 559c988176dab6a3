/**
 * RFC 9457 problem documents for every error, including those raised before routing (bad JSON,
 * body too large, unknown route, wrong method). 5xx details go to the log, never the client.
 */
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem, problemBody, type ErrorCode, type FieldError } from '../errors.js';
import { Cancelled } from './pool.js';
import { TENSOR_ONLY_HEADERS } from '../service/tensor-reply.js';

interface AjvError { instancePath?: string; keyword?: string; params?: Record<string, unknown>; message?: string }

function ajvToFields(errs: AjvError[], context: string | undefined): FieldError[] {
  const base = context === 'querystring' ? 'query' : context === 'params' ? 'path' : context ?? 'body';
  return errs.map((e) => {
    let field = (e.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.').replace(/\.(\d+)(?=\.|$)/g, '[$1]');
    if (e.keyword === 'additionalProperties' && e.params?.additionalProperty) {
      const name = String(e.params.additionalProperty);
      field = field ? `${field}.${name}` : name;
      return { field: `${base}.${field}`, message: `unknown field '${name}'` };
    }
    if (e.keyword === 'required' && e.params?.missingProperty) {
      const name = String(e.params.missingProperty);
      field = field ? `${field}.${name}` : name;
      return { field: `${base}.${field}`, message: `'${name}' is required` };
    }
    let message = e.message ?? 'invalid';
    if (e.keyword === 'enum' && Array.isArray(e.params?.allowedValues)) message = `must be one of ${(e.params!.allowedValues as unknown[]).join(', ')}`;
    if (e.keyword === 'const' && e.params?.allowedValue !== undefined) message = `must be ${String(e.params.allowedValue)}`;
    return { field: field ? `${base}.${field}` : base, message };
  });
}

/** anyOf of literals produces one error per branch; fold them into "must be one of …". */
function foldLiterals(fields: FieldError[]): FieldError[] {
  const byField = new Map<string, string[]>();
  const out: FieldError[] = [];
  for (const f of fields) {
    const m = /^must be (.+)$/.exec(f.message);
    if (m && !f.message.startsWith('must be one of') && !f.message.startsWith('must be >=') && !f.message.startsWith('must be <=')) {
      const list = byField.get(f.field) ?? [];
      list.push(m[1]);
      byField.set(f.field, list);
      continue;
    }
    if (f.message === 'must match a schema in anyOf') continue;
    out.push(f);
  }
  for (const [field, vals] of byField) out.push({ field, message: vals.length > 1 ? `must be one of ${vals.join(', ')}` : `must be ${vals[0]}` });
  return out;
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, code: ErrorCode, status: number, detail: string, errors?: FieldError[], headers?: Record<string, string>, extra?: Record<string, unknown>) {
  for (const h of TENSOR_ONLY_HEADERS) reply.removeHeader(h);
  reply.removeHeader('content-length');
  if (headers) for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  reply.code(status).header('content-type', 'application/problem+json');
  // a Buffer, so fastify adds no charset parameter to the media type
  return reply.send(Buffer.from(JSON.stringify(problemBody(code, status, detail, request.url.length <= 2048 ? request.url : undefined, errors, extra))));
}

export default fp(async function problemPlugin(app: FastifyInstance, opts: { routes: () => { method: string; url: string }[] }) {
  app.setErrorHandler((err: FastifyError | HttpProblem | Cancelled | Error, request, reply) => {
    if (err instanceof HttpProblem) {
      if (err.status >= 500) request.log.warn({ problem: err.code, detail: err.message }, 'request failed');
      return sendProblem(reply, request, err.code, err.status, err.message, err.errors, err.headers, err.extra);
    }
    if (err instanceof Cancelled) {
      request.log.info('client closed the connection before the response');
      return sendProblem(reply, request, 'bad_request', 400, 'the client closed the request');
    }
    const fe = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
    if (fe.validation) {
      const errors = foldLiterals(ajvToFields(fe.validation, fe.validationContext));
      const detail = errors.length === 1 ? `${errors[0].field}: ${errors[0].message}` : `${errors.length} problems: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
      return sendProblem(reply, request, 'validation', 400, detail, errors);
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(reply, request, 'too_large', 413, `the request body is larger than the limit of ${app.config.limits.bodyBytes} bytes (LIMIT_BODY_BYTES)`);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendProblem(reply, request, 'unsupported_media_type', 415, `send the body as application/json (got ${request.headers['content-type'] ?? 'none'})`);
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendProblem(reply, request, 'validation', 400, 'the JSON body is empty', [{ field: 'body', message: 'empty' }]);
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return sendProblem(reply, request, 'validation', 400, `the body is not valid JSON: ${fe.message}`, [{ field: 'body', message: 'malformed JSON' }]);
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendProblem(reply, request, fe.statusCode === 404 ? 'not_found' : 'bad_request', fe.statusCode, fe.message);
    }
    request.log.error({ err }, 'unhandled error');
    return sendProblem(reply, request, 'internal', 500, 'an internal error occurred; it has been logged');
  });

  app.setNotFoundHandler((request, reply) => {
    const pathOnly = request.url.split('?')[0];
    const allowed = new Set<string>();
    const known: string[] = [];
    for (const r of opts.routes()) {
      known.push(`${r.method} ${r.url}`);
      const re = new RegExp(`^${r.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+')}/?$`);
      if (re.test(pathOnly)) allowed.add(r.method);
    }
    if (allowed.size > 0) {
      const allow = [...allowed].sort().join(', ');
      reply.header('allow', allow);
      return sendProblem(reply, request, 'method_not_allowed', 405, `${request.method} is not allowed on ${pathOnly}; allowed: ${allow}`);
    }
    const list = [...new Set(known)].filter((k) => !k.startsWith('HEAD ') && !k.includes('/docs/')).sort();
    return sendProblem(reply, request, 'not_found', 404, `no route ${request.method} ${pathOnly}; routes: ${list.join(', ')}`);
  });
}, { name: 'problem' });
