/**
 * Every error the service answers with, once: code → status and title. One handler
 * (plugins/problem.ts) writes them as RFC 9457 `application/problem+json`.
 */
export const PROBLEM_BASE = 'https://weight-init.dev/problems/';

export const ERRORS = {
  bad_request: { status: 400, title: 'Bad request' },
  validation: { status: 400, title: 'Invalid request' },
  bad_program: { status: 400, title: 'Invalid program' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  not_acceptable: { status: 406, title: 'Not acceptable' },
  too_large: { status: 413, title: 'Payload too large' },
  range_not_satisfiable: { status: 416, title: 'Range not satisfiable' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  uri_too_long: { status: 414, title: 'URI too long' },
  headers_too_large: { status: 431, title: 'Request header fields too large' },
  torch_error: { status: 422, title: 'PyTorch refuses this request' },
  program_error: { status: 422, title: 'Program cannot run' },
  internal: { status: 500, title: 'Internal server error' },
  busy: { status: 503, title: 'Service busy' },
  not_ready: { status: 503, title: 'Service not ready' },
  timeout: { status: 504, title: 'Generation timed out' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export interface FieldError { field: string; message: string }

export class HttpProblem extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
  readonly extra?: Record<string, unknown>;
  constructor(code: ErrorCode, detail: string, opts: { errors?: FieldError[]; headers?: Record<string, string>; extra?: Record<string, unknown>; status?: number } = {}) {
    super(detail);
    this.name = 'HttpProblem';
    this.code = code;
    this.status = opts.status ?? ERRORS[code].status;
    this.errors = opts.errors;
    this.headers = opts.headers;
    this.extra = opts.extra;
  }
}

export function problemBody(code: ErrorCode, status: number, detail: string, instance?: string, errors?: FieldError[], extra?: Record<string, unknown>) {
  return {
    type: PROBLEM_BASE + code,
    title: ERRORS[code].title,
    status,
    detail,
    ...(instance ? { instance } : {}),
    ...(errors ? { errors } : {}),
    ...(extra ?? {}),
  };
}

/** `errors[]` from a list of field errors, detail = the first message (or all, joined). */
export function validationProblem(errors: FieldError[], code: ErrorCode = 'validation'): HttpProblem {
  const detail = errors.length === 1 ? errors[0].message : `${errors.length} problems: ${errors.map((e) => e.message).join('; ')}`;
  return new HttpProblem(code, detail, { errors });
}
