/** GET /v1/models and GET|HEAD /v1/models/{name}: torchvision presets as whole state_dicts. */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { FLOAT_DTYPES } from '../src/core/dtype.js';
import { listModels, MODEL_NAMES } from '../src/core/presets/index.js';
import { HttpProblem } from '../src/errors.js';
import { parseSeed } from '../src/http/seed.js';
import { rejectDuplicates } from '../src/http/query.js';
import { problemResponses, tensorContent, TENSOR_HEADERS } from '../src/schemas/common.js';
import { buildModel, typeOptions } from '../src/service/models.js';
import { PROGRAM_FORMATS } from '../src/service/program.js';
import { sendTensor } from '../src/service/tensor-reply.js';

const TOP = ['seed', 'generator', 'format', 'dtype'];
const OptionSpec = Type.Object({ name: Type.String(), type: Type.String(), default: Type.Union([Type.Number(), Type.Boolean()]), minimum: Type.Optional(Type.Number()), description: Type.String() });
const ModelInfo = Type.Object({
  name: Type.String(), constructor: Type.String(),
  parameters: Type.Integer({ description: 'sum(p.numel() for p in m.parameters())' }),
  buffers: Type.Integer({ description: 'elements of the buffers (running stats, num_batches_tracked, index tables)' }),
  elements: Type.Integer(), tensors: Type.Integer(), parameter_tensors: Type.Integer(), buffer_tensors: Type.Integer(),
  bytes: Type.Object({ float32: Type.Integer(), float16: Type.Integer(), bfloat16: Type.Integer(), float64: Type.Integer() }, { description: 'payload bytes per dtype (int64 buffers stay 8 bytes)' }),
  options: Type.Array(OptionSpec),
});

export default async function modelRoutes(app: FastifyInstance) {
  app.get('/v1/models', {
    schema: { tags: ['models'], summary: 'The torchvision 0.14.1 presets: names, parameter and buffer counts, bytes per dtype, options', response: { 200: Type.Object({ models: Type.Array(ModelInfo) }) } },
  }, async () => ({ models: listModels() }));

  app.route<{ Params: { name: string }; Querystring: Record<string, string> }>({
    method: ['GET', 'HEAD'],
    url: '/v1/models/:name',
    schema: {
      tags: ['models'],
      summary: 'torch.manual_seed(seed); torchvision.models.<name>(**options).state_dict(), every tensor byte-equal',
      params: Type.Object({ name: Type.String({ description: MODEL_NAMES.join(', ') }) }),
      querystring: Type.Object({
        seed: Type.Optional(Type.String({ description: 'decimal integer in [-2^63, 2^64-1] or a named seed; default 0' })),
        generator: Type.Optional(Type.Union([Type.Literal('torch')])),
        format: Type.Optional(Type.String({ description: 'safetensors (default), npz or json' })),
        dtype: Type.Optional(Type.Union(FLOAT_DTYPES.map((d) => Type.Literal(d)), { description: 'cast every float tensor after generation, as model.to(dtype)' })),
        num_classes: Type.Optional(Type.String({ description: 'torchvision num_classes (every model)' })),
        zero_init_residual: Type.Optional(Type.String({ description: 'true/false (ResNet family)' })),
      }, { additionalProperties: Type.String() }),
      response: {
        200: { description: 'the state_dict in order (safetensors names = state_dict keys)', headers: TENSOR_HEADERS, content: tensorContent(PROGRAM_FORMATS, Type.Object({}, { additionalProperties: true })) },
        206: { description: 'a byte range (e.g. the safetensors header)', content: tensorContent(['safetensors', 'npz'], {}) },
        304: { description: 'not modified' },
        ...problemResponses(400, 404, 406, 413, 416, 500, 503, 504),
      },
    },
    preValidation: async (request) => rejectDuplicates(request.query),
    handler: async (request, reply) => {
      const q = request.query;
      const opts: Record<string, string> = {};
      for (const [k, v] of Object.entries(q)) if (!TOP.includes(k)) opts[k] = v;
      if (q.format === 'raw' || q.format === 'npy') throw new HttpProblem('not_acceptable', `format=${q.format} holds one unnamed tensor; models come as safetensors (default), npz or json`);
      request.tensorLabels = { scheme: request.params.name, format: q.format ?? '' };
      const t = buildModel(app, { name: request.params.name, seed: parseSeed(q.seed), generator: q.generator ?? 'torch', dtype: q.dtype, format: q.format, accept: request.headers.accept, options: typeOptions(opts) });
      request.tensorLabels.format = t.format;
      return sendTensor(app, request, reply, t);
    },
  });
}
