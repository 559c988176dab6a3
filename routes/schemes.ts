/** GET /v1/schemes, GET /v1/schemes/{name}: the catalogue and the limits in force. */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { FLOAT_DTYPES } from '../src/core/dtype.js';
import { SCHEMES, type SchemeDef } from '../src/core/schemes/registry.js';
import { GENERATORS, problemResponses } from '../src/schemas/common.js';
import { schemeOr404 } from '../src/service/init.js';

const Param = Type.Object({ name: Type.String(), type: Type.String(), default: Type.Optional(Type.Unknown()), required: Type.Boolean(), description: Type.String() });
const Scheme = Type.Object({
  name: Type.String(), summary: Type.String(), torch_function: Type.String(), params: Type.Array(Param),
  dtypes: Type.Array(Type.String()), generators: Type.Array(Type.String()),
  parity: Type.Object({}, { additionalProperties: Type.String(), description: 'per dtype: exact | tolerance | unsupported' }),
  tolerance: Type.Object({}, { additionalProperties: Type.String() }),
  draws: Type.Boolean({ description: 'whether the scheme consumes the generator' }),
});

export function describe(def: SchemeDef) {
  return {
    name: def.name,
    summary: def.summary,
    torch_function: `torch.nn.init.${def.name}_`,
    params: def.params.map((p) => ({ name: p.name, type: p.type === 'float_or_bool' ? 'number|boolean' : p.type === 'float' ? 'number' : p.type, ...(p.default !== undefined ? { default: p.default } : {}), required: p.default === undefined, description: p.description })),
    dtypes: FLOAT_DTYPES.filter((d) => def.parity[d] !== 'unsupported'),
    generators: [...GENERATORS],
    parity: def.parity,
    tolerance: def.tolerance ?? {},
    draws: def.draws,
  };
}

export default async function schemeRoutes(app: FastifyInstance) {
  app.get('/v1/schemes', {
    schema: {
      tags: ['catalogue'],
      summary: 'Every scheme with params, defaults, dtypes, generators and parity; the limits in force',
      response: { 200: Type.Object({ schemes: Type.Array(Scheme), generators: Type.Array(Type.String()), dtypes: Type.Array(Type.String()), formats: Type.Array(Type.String()), limits: Type.Object({}, { additionalProperties: Type.Number() }) }) },
    },
  }, async () => {
    const l = app.config.limits;
    return {
      schemes: [...SCHEMES.values()].map(describe),
      generators: [...GENERATORS],
      dtypes: [...FLOAT_DTYPES],
      formats: ['json', 'raw', 'npy', 'safetensors', 'npz'],
      limits: {
        json_elements: l.jsonElements, binary_elements_per_tensor: l.binaryElements, program_elements: l.programElements,
        program_steps: l.programSteps, body_bytes: l.bodyBytes, request_time_ms: l.requestTimeoutMs, queue: l.queue,
      },
    };
  });

  app.get<{ Params: { name: string } }>('/v1/schemes/:name', {
    schema: { tags: ['catalogue'], summary: 'One scheme', params: Type.Object({ name: Type.String() }), response: { 200: Scheme, ...problemResponses(404) } },
  }, async (request) => describe(schemeOr404(request.params.name)));
}
