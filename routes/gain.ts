/** GET /v1/gain/{nonlinearity}?param=: torch.nn.init.calculate_gain. */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { NONLINEARITIES, calculateGain } from '../src/core/gain.js';
import { TorchError } from '../src/core/errors.js';
import { HttpProblem } from '../src/errors.js';
import { rejectDuplicates } from '../src/http/query.js';
import { problemResponses } from '../src/schemas/common.js';

function parseParam(raw: string | undefined): number | boolean | string | null {
  if (raw === undefined || raw === '') return null;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(raw)) return JSON.parse(raw) as number;
  return raw; // PyTorch decides (leaky_relu: "negative_slope <x> not a valid number")
}

export default async function gainRoutes(app: FastifyInstance) {
  app.get<{ Params: { nonlinearity: string }; Querystring: { param?: string } }>('/v1/gain/:nonlinearity', {
    schema: {
      tags: ['catalogue'],
      summary: 'calculate_gain(nonlinearity, param)',
      params: Type.Object({ nonlinearity: Type.String({ description: NONLINEARITIES.join(', ') }) }),
      querystring: Type.Object({ param: Type.Optional(Type.String({ description: 'leaky_relu negative slope (default 0.01); ignored otherwise' })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ nonlinearity: Type.String(), param: Type.Union([Type.Number(), Type.Boolean(), Type.String(), Type.Null()]), gain: Type.Number() }), ...problemResponses(400, 404, 422) },
    },
    preValidation: async (request) => rejectDuplicates(request.query),
  }, async (request) => {
    const nl = request.params.nonlinearity;
    if (!(NONLINEARITIES as readonly string[]).includes(nl)) {
      throw new HttpProblem('not_found', `Unsupported nonlinearity ${nl}; nonlinearities: ${NONLINEARITIES.join(', ')}`);
    }
    const param = parseParam(request.query.param);
    try {
      return { nonlinearity: nl, param, gain: calculateGain(nl, param) };
    } catch (e) {
      if (e instanceof TorchError) throw new HttpProblem('torch_error', e.message, { extra: { pytorch_error: e.pyType } });
      throw e;
    }
  });
}
