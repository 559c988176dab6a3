/**
 * Resolves a scheme's params: PyTorch's defaults filled in, unknown names and wrong types
 * reported (HTTP 400). Values are typed no tighter than PyTorch: numeric ranges are left to
 * PyTorch's own checks (422 with its text).
 */
import type { SchemeDef, ParamSpec } from './schemes/registry.js';

export interface FieldError { field: string; message: string }

function typeOk(spec: ParamSpec, v: unknown): boolean {
  switch (spec.type) {
    case 'float': return typeof v === 'number';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'string': return typeof v === 'string';
    case 'float_or_bool': return typeof v === 'number' || typeof v === 'boolean';
  }
}

const TYPE_TEXT: Record<ParamSpec['type'], string> = {
  float: 'a number', integer: 'an integer', string: 'a string', float_or_bool: 'a number or a boolean',
};

/** Fill defaults; collect errors under `prefix` (e.g. "params" or "steps[3].params"). */
export function resolveParams(def: SchemeDef, raw: Record<string, unknown> | undefined, prefix = 'params'): { params: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const params: Record<string, unknown> = {};
  const given = raw ?? {};
  const known = new Set(def.params.map((p) => p.name));
  for (const k of Object.keys(given)) {
    if (!known.has(k)) {
      const allowed = def.params.map((p) => p.name);
      errors.push({ field: `${prefix}.${k}`, message: `unknown param '${k}' for scheme '${def.name}'; ${allowed.length ? `its params are ${allowed.join(', ')}` : 'it takes no params'}` });
    }
  }
  for (const spec of def.params) {
    const v = given[spec.name];
    if (v === undefined || v === null) {
      if (spec.default === undefined) errors.push({ field: `${prefix}.${spec.name}`, message: `scheme '${def.name}' requires param '${spec.name}' (${TYPE_TEXT[spec.type]})` });
      else params[spec.name] = spec.default;
      continue;
    }
    if (!typeOk(spec, v)) {
      errors.push({ field: `${prefix}.${spec.name}`, message: `param '${spec.name}' must be ${TYPE_TEXT[spec.type]}` });
      continue;
    }
    params[spec.name] = v;
  }
  return { params, errors };
}
