/** Rules form → steps, mapping the core's typed errors to problem documents. */
import type { Dtype, FloatDtype } from '../core/dtype.js';
import type { ProgramSpec } from '../core/program.js';
import { HttpProblem } from '../errors.js';

export interface RulesInput {
  seed: bigint;
  dtype?: FloatDtype;
  tensors: { name: string; shape: number[]; dtype?: Dtype }[];
  rules: { match: string; scheme: string; params?: Record<string, unknown> }[];
  state_dict?: { name: string }[];
}

export function compileRules(_input: RulesInput): ProgramSpec {
  throw new HttpProblem('bad_program', 'the rules form is not available yet');
}
