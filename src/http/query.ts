/**
 * Query strings: each key at most once (a repeated key is 400), values URL-decoded; scheme
 * params are typed by the param (numbers as JSON numbers, booleans true/false, strings as is).
 */
import { HttpProblem, type FieldError } from '../errors.js';
import type { ParamSpec } from '../core/schemes/registry.js';

/**
 * fastify's default query parser (fast-querystring) turns a repeated key into an array: each key
 * may appear once (400 otherwise). Runs as a preValidation hook, so a repeated conditional GET
 * answered from the ETag memo never pays for it.
 */
export function rejectDuplicates(query: unknown): void {
  const d = Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => Array.isArray(v)).map(([k]) => k);
  if (d.length) {
    throw new HttpProblem('validation', `query key${d.length > 1 ? 's' : ''} ${d.map((k) => `'${k}'`).join(', ')} given more than once`, { errors: d.map((k) => ({ field: `query.${k}`, message: 'given more than once' })) });
  }
}

const SPECIAL: Record<string, number> = { inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '-infinity': -Infinity, nan: NaN };

function parseNumber(raw: string): number | undefined {
  const s = SPECIAL[raw.toLowerCase()];
  if (s !== undefined) return s;
  if (!/^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(raw)) return undefined;
  return JSON.parse(raw) as number;
}

/** Type query values of the params a scheme declares; unknown keys are left for resolveParams. */
export function typeQueryParams(specs: ParamSpec[], raw: Record<string, string>): { params: Record<string, unknown>; errors: FieldError[] } {
  const params: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  const bySpec = new Map(specs.map((s) => [s.name, s]));
  for (const [k, v] of Object.entries(raw)) {
    const spec = bySpec.get(k);
    if (!spec) { params[k] = v; continue; }
    if (spec.type === 'string') { params[k] = v; continue; }
    if (spec.type === 'float_or_bool' && (v === 'true' || v === 'false')) { params[k] = v === 'true'; continue; }
    const n = parseNumber(v);
    if (n === undefined || (spec.type === 'integer' && !Number.isInteger(n))) {
      errors.push({ field: `query.${k}`, message: `param '${k}' must be ${spec.type === 'integer' ? 'an integer' : spec.type === 'float_or_bool' ? 'a number or true/false' : 'a number'}, got ${JSON.stringify(v)}` });
      continue;
    }
    params[k] = n;
  }
  return { params, errors };
}
