/** Schemas shared by routes and the OpenAPI document. */
import { Type } from 'typebox';
import { FLOAT_DTYPES } from '../core/dtype.js';

export const GENERATORS = ['torch'] as const;

export const Problem = Type.Object({
  type: Type.String({ description: 'URI of the problem type' }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String({ description: "what went wrong; PyTorch's own text for 422" }),
  instance: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  pytorch_error: Type.Optional(Type.String({ description: 'the Python exception class PyTorch raises' })),
}, { $id: 'Problem', description: 'RFC 9457 problem document (application/problem+json)' });

export const problemRef = { $ref: 'Problem#' } as const;

export function problemResponses(...codes: number[]) {
  const out: Record<number, unknown> = {};
  for (const c of codes) out[c] = { description: 'problem document', content: { 'application/problem+json': { schema: problemRef } } };
  return out;
}

export const Dtype = Type.Union(FLOAT_DTYPES.map((d) => Type.Literal(d)), { description: 'element type', default: 'float32' });
export const Generator = Type.Union(GENERATORS.map((g) => Type.Literal(g)), { description: 'random generator: torch = PyTorch 1.13 CPU parity', default: 'torch' });
export const Seed = Type.Union([Type.Integer({ description: 'a safe integer (|n| <= 2^53-1)' }), Type.String({ minLength: 1, description: 'a decimal integer in [-2^63, 2^64-1], or any other string (a named seed: SHA-256 → uint64)' })], { description: 'torch.manual_seed value', default: 0 });

export const binary = { type: 'string', format: 'binary' } as const;

/** 200 response of a tensor route: every format's media type. */
export function tensorContent(formats: readonly string[], jsonSchema: unknown) {
  const media: Record<string, string> = { json: 'application/json', raw: 'application/octet-stream', npy: 'application/x-npy', safetensors: 'application/vnd.safetensors', npz: 'application/zip' };
  const content: Record<string, unknown> = {};
  for (const f of formats) content[media[f]] = { schema: f === 'json' ? jsonSchema : binary };
  return content;
}

export const TENSOR_HEADERS = {
  ETag: { schema: { type: 'string' }, description: 'strong validator computed from the request alone' },
  'Cache-Control': { schema: { type: 'string' }, description: 'public, max-age=31536000, immutable' },
  'X-Tensor-Shape': { schema: { type: 'string' }, description: 'comma-separated shape, empty for 0-d' },
  'X-Tensor-Dtype': { schema: { type: 'string' } },
  'X-Seed': { schema: { type: 'string' }, description: 'canonical uint64 seed (decimal)' },
  'X-Generator': { schema: { type: 'string' } },
  'Content-Disposition': { schema: { type: 'string' } },
};
