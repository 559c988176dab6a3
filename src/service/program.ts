/**
 * Programs (`POST /v1/programs`) and presets share this: a validated plan → TensorReply.
 */
import type { FastifyInstance } from 'fastify';
import { numel, type FloatDtype } from '../core/dtype.js';
import { planProgram, ProgramInvalid, type Plan, type ProgramSpec } from '../core/program.js';
import { problemFromInvalid } from './rules.js';
import { HttpProblem } from '../errors.js';
import { chooseFormat, EXTENSIONS, type Format } from '../http/negotiate.js';
import { etagFor } from './canonical.js';
import { checkProgramLimit, jsonCells } from './limits.js';
import { encodedLength } from './lengths.js';
import { bodyLayout } from './slabs.js';
import type { TensorReply } from './tensor-reply.js';

export const PROGRAM_FORMATS: readonly Format[] = ['safetensors', 'npz', 'json'];

export function planOr400(app: FastifyInstance, spec: ProgramSpec): Plan {
  try {
    return planProgram(spec, { maxSteps: app.config.limits.programSteps });
  } catch (e) {
    if (e instanceof ProgramInvalid) throw problemFromInvalid(e);
    throw e;
  }
}

/** Refuse raw/npy with the reason; else negotiate among the program formats. */
export function programFormat(explicit: string | undefined, accept: string | undefined): Format {
  if (explicit === 'raw' || explicit === 'npy') {
    throw new HttpProblem('not_acceptable', `format=${explicit} holds one unnamed tensor; programs and models come as safetensors (default), npz or json`);
  }
  return chooseFormat(explicit, accept, PROGRAM_FORMATS, 'safetensors');
}

export interface PlanReplyInput {
  plan: Plan;
  format: Format;
  canonical: unknown;
  seed: bigint;
  generator: string;
  filenameStem: string;
  route: string;
  metadata: Record<string, string>;
  castTo?: FloatDtype;
  /** presets are exempt from the binary limits */
  exempt?: boolean;
  label?: string;
}

export function buildPlanReply(app: FastifyInstance, p: PlanReplyInput): TensorReply {
  const outputs = p.castTo ? p.plan.outputs.map((o) => ({ ...o, dtype: o.dtype === 'int64' ? o.dtype : p.castTo! })) : p.plan.outputs;
  const total = outputs.reduce((s, o) => s + numel(o.shape), 0);
  if (p.format === 'npz' && outputs.some((o) => o.dtype === 'bfloat16')) {
    throw new HttpProblem('not_acceptable', 'bfloat16 has no .npy dtype, so it cannot go into an npz archive; use format=safetensors');
  }
  if (p.format === 'json') {
    const lists = outputs.reduce((s, o) => s + jsonCells(o.shape) - numel(o.shape), 0);
    if (lists > app.config.limits.jsonElements) checkProgramLimit(app.config, 'json', lists);
  }
  if (!p.exempt) checkProgramLimit(app.config, p.format, total);
  else if (p.format === 'json') checkProgramLimit(app.config, 'json', total);
  const seed = p.seed.toString();
  const etag = etagFor(p.canonical, p.format);
  const layout = bodyLayout(p.format, outputs, p.metadata); // header + offsets; its total is the length
  const dtypes = [...new Set(outputs.map((o) => o.dtype))];
  return {
    etag,
    format: p.format,
    route: p.route,
    scheme: p.label,
    elements: p.plan.steps.reduce((s, st) => s + numel(st.view?.shape ?? st.shape), 0),
    length: layout ? layout.total : encodedLength(p.format, outputs),
    // cast tensors are encoded after generation, so they are not written in place
    layout: p.castTo ? undefined : layout,
    headers: {
      'x-tensor-shape': outputs.length === 1 ? outputs[0].shape.join(',') : '',
      'x-tensor-dtype': dtypes.join(','),
      'x-seed': seed,
      'x-generator': p.generator,
      'x-tensor-count': String(outputs.length),
      'content-disposition': `inline; filename="${p.filenameStem}-seed${seed}.${EXTENSIONS[p.format]}"`,
    },
    job: { plan: p.plan, format: p.format, metadata: p.metadata, castTo: p.castTo },
  };
}
