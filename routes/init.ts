/** GET /v1/init/{scheme} and POST /v1/init: one tensor. */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { FLOAT_DTYPES, type FloatDtype } from '../src/core/dtype.js';
import { SCHEME_NAMES, SCHEMES } from '../src/core/schemes/registry.js';
import { HttpProblem } from '../src/errors.js';
import { parseSeed } from '../src/http/seed.js';
import { parseShapeQuery, checkShapeArray } from '../src/http/shape.js';
import { rejectDuplicates, typeQueryParams } from '../src/http/query.js';
import { Dtype, Generator, Seed, problemResponses, tensorContent, TENSOR_HEADERS } from '../src/schemas/common.js';
import { buildInit, schemeOr404, INIT_FORMATS } from '../src/service/init.js';
import { sendTensor } from '../src/service/tensor-reply.js';

const PARAM_NAMES = [...new Set([...SCHEMES.values()].flatMap((d) => d.params.map((p) => p.name)))].sort();
const TOP = ['shape', 'seed', 'dtype', 'generator', 'format'];

const TensorJson = Type.Object({
  scheme: Type.String(), shape: Type.Array(Type.Integer()), dtype: Type.String(), seed: Type.String({ description: 'canonical uint64' }),
  generator: Type.String(), params: Type.Object({}, { additionalProperties: true, description: 'fully resolved params' }),
  data: Type.Unknown({ description: 'nested lists as tensor.tolist(); "nan"/"inf"/"-inf" for non-finite values' }),
});

const queryProps: Record<string, unknown> = {
  shape: Type.Optional(Type.String({ description: 'comma-separated dims, e.g. 64,3,7,7; empty = 0-d (required)' })),
  seed: Type.Optional(Type.String({ description: 'decimal integer in [-2^63, 2^64-1] or a named seed; default 0' })),
  dtype: Type.Optional(Type.Union(FLOAT_DTYPES.map((d) => Type.Literal(d)))),
  generator: Type.Optional(Type.Union([Type.Literal('torch')])),
  format: Type.Optional(Type.Union(INIT_FORMATS.map((f) => Type.Literal(f)))),
};
for (const p of PARAM_NAMES) queryProps[p] = Type.Optional(Type.String({ description: `scheme param '${p}' (typed by the scheme: numbers as JSON numbers, booleans true/false)` }));

const responses = {
  200: { description: 'the tensor', headers: TENSOR_HEADERS, content: tensorContent(INIT_FORMATS, TensorJson) },
  206: { description: 'a byte range of a binary format', content: tensorContent(INIT_FORMATS.filter((f) => f !== 'json'), TensorJson) },
  304: { description: 'not modified (If-None-Match matched the ETag)', headers: { ETag: { schema: { type: 'string' } } } },
  ...problemResponses(400, 404, 406, 413, 416, 422, 500, 503, 504),
};

const InitBody = Type.Object({
  scheme: Type.Union(SCHEME_NAMES.map((s) => Type.Literal(s))),
  shape: Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 64 }),
  seed: Type.Optional(Seed),
  dtype: Type.Optional(Dtype),
  generator: Type.Optional(Generator),
  format: Type.Optional(Type.Union(INIT_FORMATS.map((f) => Type.Literal(f)))),
  params: Type.Optional(Type.Object({}, { additionalProperties: true, description: "the scheme's keyword arguments, named as in PyTorch" })),
}, { additionalProperties: false });

export default async function initRoutes(app: FastifyInstance) {
  // GET and HEAD share the handler; HEAD is explicit so fastify's generic HEAD (which would
  // report content-length 0 for an empty payload) does not replace our computed length.
  app.route<{ Params: { scheme: string }; Querystring: Record<string, string> }>({
    method: ['GET', 'HEAD'],
    url: '/v1/init/:scheme',
    schema: {
      tags: ['tensors'],
      summary: 'One tensor: torch.manual_seed(seed); torch.nn.init.<scheme>_(torch.empty(shape, dtype), **params)',
      params: Type.Object({ scheme: Type.String({ description: `one of ${SCHEME_NAMES.join(', ')}` }) }),
      querystring: Type.Object(queryProps as never, { additionalProperties: false }),
      response: responses,
    },
    preValidation: async (request) => rejectDuplicates(request.query),
    handler: async (request, reply) => {
    const def = schemeOr404(request.params.scheme);
    const q = request.query;
    const rawParams: Record<string, string> = {};
    for (const [k, v] of Object.entries(q)) if (!TOP.includes(k)) rawParams[k] = v;
    const typed = typeQueryParams(def.params, rawParams);
    const input = {
      scheme: def.name,
      shape: parseShapeQuery(q.shape),
      seed: parseSeed(q.seed),
      dtype: (q.dtype ?? 'float32') as FloatDtype,
      generator: q.generator ?? 'torch',
      params: typed.params,
      format: q.format,
      accept: request.headers.accept,
      errors: typed.errors,
    };
    request.tensorLabels = { scheme: def.name, format: q.format ?? '' };
    const t = buildInit(app, input, '/v1/init/:scheme');
    request.tensorLabels.format = t.format;
    return sendTensor(app, request, reply, t);
    },
  });

  app.post<{ Body: { scheme: string; shape: number[]; seed?: number | string; dtype?: FloatDtype; generator?: string; format?: string; params?: Record<string, unknown> }; Querystring: { format?: string } }>('/v1/init', {
    schema: {
      tags: ['tensors'],
      summary: 'One tensor, the same fields as a JSON body (params nested)',
      querystring: Type.Object({ format: Type.Optional(Type.Union(INIT_FORMATS.map((f) => Type.Literal(f)))) }, { additionalProperties: false }),
      body: InitBody,
      response: { ...responses, 415: problemResponses(415)[415] },
    },
    preValidation: async (request) => rejectDuplicates(request.query),
  }, async (request, reply) => {
    const b = request.body;
    if (b.format !== undefined && request.query.format !== undefined && b.format !== request.query.format) {
      throw new HttpProblem('validation', 'format is given in both the query and the body with different values', { errors: [{ field: 'format', message: 'conflicting values' }] });
    }
    const input = {
      scheme: b.scheme,
      shape: checkShapeArray(b.shape),
      seed: parseSeed(b.seed),
      dtype: b.dtype ?? 'float32',
      generator: b.generator ?? 'torch',
      params: b.params ?? {},
      format: b.format ?? request.query.format,
      accept: request.headers.accept,
    };
    request.tensorLabels = { scheme: b.scheme, format: '' };
    const t = buildInit(app, input, '/v1/init');
    request.tensorLabels.format = t.format;
    return sendTensor(app, request, reply, t);
  });
}
