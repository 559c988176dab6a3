/**
 * Model presets: `torch.manual_seed(seed); torchvision.models.<name>(**options).state_dict()`
 * as a planned program → TensorReply. Presets are exempt from the per-tensor binary limits (their
 * sizes are fixed and listed); a num_classes that would exceed the program limit is 413.
 */
import type { FastifyInstance } from 'fastify';
import { FLOAT_DTYPES, type FloatDtype } from '../core/dtype.js';
import { planProgram, type Plan, type ProgramSpec } from '../core/program.js';
import { presetProgram, getModelInfo, resolvePresetOptions, isModelName, unknownModel, PresetError, MODEL_NAMES } from '../core/presets/index.js';
import { HttpProblem } from '../errors.js';
import { programFormat, buildPlanReply } from './program.js';
import type { TensorReply } from './tensor-reply.js';

export function presetProblem(e: unknown): unknown {
  if (e instanceof PresetError) {
    return new HttpProblem(e.status === 404 ? 'not_found' : 'validation', e.message, { errors: e.errors });
  }
  return e;
}

/** Typed options from query strings: integers as JSON numbers, booleans as true/false. */
export function typeOptions(raw: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === 'true' || v === 'false') out[k] = v === 'true';
    else if (/^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(v)) out[k] = Number(v);
    else out[k] = v;
  }
  return out;
}

export interface ModelInput {
  name: string;
  seed: bigint;
  generator: string;
  dtype?: string;
  format?: string;
  accept?: string;
  options: Record<string, unknown>;
}

/** The largest default preset (vgg16_bn) always fits, whatever LIMIT_PROGRAM_ELEMENTS says. */
const LARGEST_DEFAULT = 138_365_992;

/**
 * A preset's plan depends on the model and its options, not on the seed: plan once (~1–2 ms for
 * resnet50's 373 steps), then give each request its seed. Plans are read-only from here on.
 */
const plans = new Map<string, Plan>();
const MAX_PLANS = 64;

function presetPlan(name: string, options: Record<string, unknown>, spec: ProgramSpec): Plan {
  const key = `${name}\u0000${JSON.stringify(options)}`;
  let plan = plans.get(key);
  if (!plan) {
    plan = planProgram(spec);
    if (plans.size >= MAX_PLANS) plans.delete(plans.keys().next().value!);
    plans.set(key, plan);
  }
  return { ...plan, seed: spec.seed };
}

export function buildModel(app: FastifyInstance, input: ModelInput): TensorReply {
  if (!isModelName(input.name)) throw presetProblem(unknownModel(input.name));
  let options;
  let info;
  let spec;
  try {
    options = resolvePresetOptions(input.name, input.options);
    info = getModelInfo(input.name, options as Record<string, unknown>);
    const cap = Math.max(app.config.limits.programElements, LARGEST_DEFAULT);
    if (info.elements > cap) {
      throw new HttpProblem('too_large', `${input.name} with these options has ${info.elements} elements; the limit is ${cap} (LIMIT_PROGRAM_ELEMENTS)`, { extra: { limit: cap } });
    }
    spec = presetProgram(input.name, input.seed, options as Record<string, unknown>);
  } catch (e) {
    throw presetProblem(e);
  }
  let castTo: FloatDtype | undefined;
  if (input.dtype !== undefined && input.dtype !== 'float32') {
    if (!(FLOAT_DTYPES as readonly string[]).includes(input.dtype)) {
      throw new HttpProblem('validation', `dtype must be one of ${FLOAT_DTYPES.join(', ')}`, { errors: [{ field: 'query.dtype', message: `must be one of ${FLOAT_DTYPES.join(', ')}` }] });
    }
    castTo = input.dtype as FloatDtype;
  }
  const format = programFormat(input.format, input.accept);
  const plan = presetPlan(input.name, options as Record<string, unknown>, spec);
  const seed = input.seed.toString();
  const canonical = { route: 'model', model: input.name, options, seed, generator: input.generator, dtype: castTo ?? 'float32' };
  const metadata: Record<string, string> = { format: 'pt', model: input.name, constructor: info.constructor, seed, generator: input.generator };
  if (castTo) metadata.dtype = castTo;
  const t = buildPlanReply(app, { plan, format, canonical, seed: input.seed, generator: input.generator, filenameStem: input.name, route: '/v1/models/:name', metadata, castTo, exempt: true, label: input.name });
  t.headers['x-model'] = input.name;
  t.stream = true; // a fixed, checked program: stream the body while it is generated
  return t;
}

export { MODEL_NAMES };
