/** Rules form → a planned program; the core's typed errors become problem documents. */
import type { Dtype, FloatDtype } from '../core/dtype.js';
import { ProgramInvalid, planProgram, type Plan } from '../core/program.js';
import { rulesToProgram, relabelRulesError } from '../core/rules.js';
import { HttpProblem } from '../errors.js';

export interface RulesInput {
  seed: bigint;
  dtype?: FloatDtype;
  tensors: { name: string; shape: number[]; dtype?: Dtype }[];
  rules: { match: string; scheme: string; params?: Record<string, unknown> }[];
  state_dict?: { name: string }[];
}

export function problemFromInvalid(e: ProgramInvalid): HttpProblem {
  const detail = e.errors.length === 1 ? e.errors[0].message : `${e.errors.length} problems: ${e.errors.map((x) => x.message).join('; ')}`;
  return new HttpProblem(e.status === 400 ? 'bad_program' : 'program_error', detail, { errors: e.errors, status: e.status });
}

/** Compile and plan a rules program; every error names `rules[j]` or `tensors[i] (name)`. */
export function planRulesProgram(input: RulesInput, maxSteps: number): Plan {
  try {
    const spec = rulesToProgram(input, { maxTensors: maxSteps });
    return planProgram(spec, { maxSteps, labelKind: 'tensors' });
  } catch (e) {
    const r = relabelRulesError(e);
    if (r instanceof ProgramInvalid) throw problemFromInvalid(r);
    throw r;
  }
}
