/**
 * Shapes: each entry ASCII digits, at most 64 dims, numel < 2^53 (API.md "Shapes").
 * Query form `64,3,7,7`; the empty string is a 0-d scalar.
 */
import { HttpProblem } from '../errors.js';

const MAX_DIMS = 64;

function check(dims: number[], field: string): number[] {
  if (dims.length > MAX_DIMS) throw new HttpProblem('validation', `${field} has ${dims.length} dimensions; at most ${MAX_DIMS}`, { errors: [{ field, message: `at most ${MAX_DIMS} dimensions` }] });
  let n = 1;
  for (const d of dims) n *= d;
  if (!(n < 2 ** 53)) throw new HttpProblem('validation', `${field} has 2^53 or more elements`, { errors: [{ field, message: 'element count must stay below 2^53' }] });
  return dims;
}

export function parseShapeQuery(raw: string | undefined, field = 'shape'): number[] {
  if (raw === undefined) throw new HttpProblem('validation', `${field} is required, e.g. shape=64,3,7,7 (an empty value is a 0-d scalar)`, { errors: [{ field, message: 'required' }] });
  if (raw === '') return [];
  const parts = raw.split(',');
  for (const p of parts) {
    if (!/^[0-9]+$/.test(p)) throw new HttpProblem('validation', `${field} entries must be non-negative decimal integers; got ${JSON.stringify(p)}`, { errors: [{ field, message: `bad entry ${JSON.stringify(p)}` }] });
  }
  return check(parts.map(Number), field);
}

export function checkShapeArray(dims: number[], field = 'shape'): number[] {
  return check(dims, field);
}

export function shapeHeader(shape: readonly number[]): string {
  return shape.join(',');
}
