/**
 * One tensor: `torch.manual_seed(seed); torch.nn.init.<scheme>_(torch.empty(shape, dtype), **params)`
 * as a canonical request → TensorReply (ETag, headers, the worker job).
 */
import type { FastifyInstance } from 'fastify';
import { type FloatDtype, numel } from '../core/dtype.js';
import { planProgram } from '../core/program.js';
import { SCHEMES, SCHEME_NAMES, type SchemeDef } from '../core/schemes/registry.js';
import { resolveParams } from '../core/params.js';
import { HttpProblem, validationProblem, type FieldError } from '../errors.js';
import { chooseFormat, EXTENSIONS, type Format } from '../http/negotiate.js';
import { shapeHeader } from '../http/shape.js';
import { etagFor } from './canonical.js';
import { checkTensorLimit } from './limits.js';
import { encodedLength } from './lengths.js';
import { bodyLayout } from './slabs.js';
import { tensorJsonPrefix } from '../core/encode/index.js';
import { BYTES } from '../core/dtype.js';
import type { TensorReply } from './tensor-reply.js';

/** json bodies of at least this many elements are encoded in parallel slices */
const JSON_SPLIT_MIN = 1 << 17;

export const INIT_FORMATS: readonly Format[] = ['json', 'raw', 'npy', 'safetensors'];

export interface InitInput {
  scheme: string;
  shape: number[];
  seed: bigint;
  dtype: FloatDtype;
  generator: string;
  params: Record<string, unknown>;
  format?: string;
  accept?: string;
  /** extra field errors found while typing the input (query typing) */
  errors?: FieldError[];
}

export function schemeOr404(name: string): SchemeDef {
  const def = SCHEMES.get(name);
  if (!def) throw new HttpProblem('not_found', `unknown scheme '${name}'; schemes: ${SCHEME_NAMES.join(', ')}`);
  return def;
}

export function buildInit(app: FastifyInstance, input: InitInput, route: string): TensorReply {
  const def = SCHEMES.get(input.scheme)!;
  const r = resolveParams(def, input.params);
  const errors = [...(input.errors ?? []), ...r.errors];
  if (errors.length) throw validationProblem(errors);
  const format = chooseFormat(input.format, input.accept, INIT_FORMATS, 'json');
  if (format === 'npy' && input.dtype === 'bfloat16') {
    throw new HttpProblem('not_acceptable', 'bfloat16 has no .npy dtype; use format=safetensors or format=raw (bfloat16 = upper 16 bits of binary32)');
  }
  const n = numel(input.shape);
  checkTensorLimit(app.config, format, n, 'the tensor', input.shape);
  const plan = planProgram({ seed: input.seed, steps: [{ name: 'weight', shape: input.shape, dtype: input.dtype, scheme: input.scheme, params: r.params }] }, { labelErrors: false });
  const seed = input.seed.toString();
  const canonical = { route: 'init', scheme: input.scheme, shape: input.shape, dtype: input.dtype, generator: input.generator, seed, params: r.params };
  const etag = etagFor(canonical, format);
  const metadata = { scheme: input.scheme, seed, generator: input.generator };
  const dims = input.shape.length ? input.shape.join('x') : 'scalar';
  const floatParams = def.params.filter((p) => p.type === 'float' || (p.type === 'float_or_bool' && typeof r.params[p.name] === 'number')).map((p) => p.name);
  const entries = [{ name: 'weight', dtype: input.dtype, shape: input.shape }];
  const layout = bodyLayout(format, entries, metadata); // header + offsets; its total is the length
  const json = { scheme: input.scheme, shape: input.shape, dtype: input.dtype, seed, generator: input.generator, params: r.params, floatParams };
  const split = format === 'json' && n >= JSON_SPLIT_MIN && input.shape.length >= 1 && input.shape[0] >= 2;
  return {
    etag,
    format,
    route,
    jsonSplit: split ? { prefix: tensorJsonPrefix(json, new Set(floatParams)), dtype: input.dtype, shape: input.shape, bytes: n * BYTES[input.dtype] } : undefined,
    scheme: input.scheme,
    elements: n,
    length: layout ? layout.total : encodedLength(format, entries),
    layout,
    headers: {
      'x-tensor-shape': shapeHeader(input.shape),
      'x-tensor-dtype': input.dtype,
      'x-seed': seed,
      'x-generator': input.generator,
      'content-disposition': `inline; filename="${input.scheme}-${dims}-seed${seed}.${EXTENSIONS[format]}"`,
    },
    job: {
      plan,
      format,
      json,
      metadata,
    },
  };
}

