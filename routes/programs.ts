/** POST /v1/programs: many named tensors from one generator stream (steps or rules form). */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ALL_DTYPES, FLOAT_DTYPES, type Dtype, type FloatDtype } from '../src/core/dtype.js';
import type { StepSpec, ProgramSpec } from '../src/core/program.js';
import { HttpProblem } from '../src/errors.js';
import { parseSeed } from '../src/http/seed.js';
import { rejectDuplicates } from '../src/http/query.js';
import { Generator, Seed, problemResponses, tensorContent, TENSOR_HEADERS } from '../src/schemas/common.js';
import { buildPlanReply, planOr400, programFormat, PROGRAM_FORMATS } from '../src/service/program.js';
import { sendTensor } from '../src/service/tensor-reply.js';
import { planRulesProgram } from '../src/service/rules.js';
import type { Plan } from '../src/core/program.js';

const DtypeAny = Type.Union(ALL_DTYPES.map((d) => Type.Literal(d)));
const Shape = Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 64 });
const Step = Type.Object({
  name: Type.String({ minLength: 1 }),
  shape: Shape,
  dtype: Type.Optional(DtypeAny),
  scheme: Type.String({ description: 'a torch.nn.init scheme, or data / copy' }),
  params: Type.Optional(Type.Object({}, { additionalProperties: true })),
  view: Type.Optional(Type.Object({ offset: Type.Integer({ minimum: 0 }), shape: Shape, stride: Type.Array(Type.Integer({ minimum: 0 })) }, { additionalProperties: false })),
}, { additionalProperties: false });
const StateEntry = Type.Object({ name: Type.String(), shape: Type.Optional(Shape), dtype: Type.Optional(DtypeAny), kind: Type.Optional(Type.String()) }, { additionalProperties: false });
const TensorEntry = Type.Object({ name: Type.String({ minLength: 1 }), shape: Shape, dtype: Type.Optional(DtypeAny) }, { additionalProperties: false });
const Rule = Type.Object({ match: Type.String({ minLength: 1, description: 'a glob (fnmatchcase) or /regex/flags' }), scheme: Type.String(), params: Type.Optional(Type.Object({}, { additionalProperties: true })) }, { additionalProperties: false });

const ProgramBody = Type.Object({
  seed: Type.Optional(Seed),
  generator: Type.Optional(Generator),
  dtype: Type.Optional(Type.Union(FLOAT_DTYPES.map((d) => Type.Literal(d)))),
  format: Type.Optional(Type.String({ description: 'safetensors (default), npz or json; a preset\'s "torch-init-program/1" is accepted and ignored' })),
  state_dict: Type.Optional(Type.Array(StateEntry)),
  steps: Type.Optional(Type.Array(Step)),
  tensors: Type.Optional(Type.Array(TensorEntry)),
  rules: Type.Optional(Type.Array(Rule)),
  model: Type.Optional(Type.String()),
  derived_with: Type.Optional(Type.String()),
}, {
  additionalProperties: false,
  // `constructor` (a preset's descriptive field) as a pattern: a named property would make the
  // validator look at Object.prototype.constructor on bodies that lack it
  patternProperties: { '^constructor$': { type: 'string' } },
  description: 'torch-init-program/1: steps form, or rules form (tensors + rules)',
});

type Body = {
  seed?: number | string; generator?: string; dtype?: FloatDtype; format?: string;
  state_dict?: { name: string }[]; steps?: StepSpec[];
  tensors?: { name: string; shape: number[]; dtype?: Dtype }[];
  rules?: { match: string; scheme: string; params?: Record<string, unknown> }[];
};

export default async function programRoutes(app: FastifyInstance) {
  app.post<{ Body: Body; Querystring: { format?: string } }>('/v1/programs', {
    schema: {
      tags: ['programs'],
      summary: 'Many named tensors from ONE generator stream: model.apply(init_fn) as data',
      querystring: Type.Object({ format: Type.Optional(Type.String()) }, { additionalProperties: false }),
      body: ProgramBody,
      response: {
        200: { description: 'the tensors, in state_dict order', headers: TENSOR_HEADERS, content: tensorContent(PROGRAM_FORMATS, Type.Object({}, { additionalProperties: true, description: 'name → nested lists' })) },
        206: { description: 'a byte range', content: tensorContent(['safetensors', 'npz'], {}) },
        304: { description: 'not modified' },
        ...problemResponses(400, 406, 413, 415, 416, 422, 500, 503, 504),
      },
    },
    preValidation: async (request) => rejectDuplicates(request.query),
  }, async (request, reply) => {
    const b = request.body;
    const bodyFormat = b.format === 'torch-init-program/1' ? undefined : b.format;
    if (bodyFormat !== undefined && request.query.format !== undefined && bodyFormat !== request.query.format) {
      throw new HttpProblem('validation', 'format is given in both the query and the body with different values', { errors: [{ field: 'format', message: 'conflicting values' }] });
    }
    const format = programFormat(request.query.format ?? bodyFormat, request.headers.accept);
    const seed = parseSeed(b.seed);
    const generator = b.generator ?? 'torch';
    let plan: Plan;
    if (b.steps && (b.tensors || b.rules)) throw new HttpProblem('bad_program', 'give either steps, or tensors + rules, not both', { errors: [{ field: 'steps', message: 'steps and rules forms are exclusive' }] });
    if (b.steps) plan = planOr400(app, { seed, dtype: b.dtype, steps: b.steps, state_dict: b.state_dict } satisfies ProgramSpec);
    else if (b.tensors && b.rules) plan = planRulesProgram({ seed, dtype: b.dtype, tensors: b.tensors, rules: b.rules, state_dict: b.state_dict }, app.config.limits.programSteps);
    else throw new HttpProblem('bad_program', 'a program needs steps, or tensors and rules', { errors: [{ field: 'steps', message: 'required (or tensors + rules)' }] });
    request.tensorLabels = { scheme: 'program', format };
    const canonical = { route: 'program', seed: seed.toString(), generator, steps: plan.steps.map(({ advanceOnly: _a, index: _i, ...s }) => s), outputs: plan.outputs };
    const t = buildPlanReply(app, { plan, format, canonical, seed, generator, filenameStem: 'program', route: '/v1/programs', metadata: { format: 'torch-init-program/1', seed: seed.toString(), generator }, label: 'program' });
    return sendTensor(app, request, reply, t);
  });
}
