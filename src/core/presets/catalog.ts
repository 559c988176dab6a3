/**
 * The torchvision 0.14.1 model presets as data: names, the shape of a preset document
 * (`torch-init-program/1`, presets.md §1), the constructor options each model supports, and
 * the numbers `GET /v1/models` lists. Everything here is pure: it takes parsed documents.
 * File reading lives in `load.ts` (the one I/O exception); `index.ts` wires the two.
 */
import { type Dtype, ALL_DTYPES, BYTES, numel } from '../dtype.js';
import type { StepSpec } from '../program.js';
import type { FieldError } from '../params.js';

/** The 25 presets, in the order of presets.md §4. */
export const MODEL_NAMES = [
  'resnet18', 'resnet50', 'resnext50_32x4d', 'wide_resnet50_2',
  'mobilenet_v2', 'mobilenet_v3_small', 'mobilenet_v3_large',
  'squeezenet1_0', 'squeezenet1_1', 'alexnet', 'vgg11',
  'googlenet', 'inception_v3', 'vgg16_bn', 'densenet121',
  'efficientnet_b0', 'efficientnet_v2_s', 'regnet_y_400mf',
  'shufflenet_v2_x1_0', 'mnasnet1_0', 'vit_b_16', 'convnext_tiny',
  'swin_t', 'swin_v2_t', 'maxvit_t',
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

const NAME_SET: ReadonlySet<string> = new Set(MODEL_NAMES);
export function isModelName(name: string): name is ModelName {
  return NAME_SET.has(name);
}

export interface PresetEntry { name: string; shape: number[]; dtype: Dtype; kind: 'parameter' | 'buffer' }

/** A preset file as committed (descriptive fields included; `POST /v1/programs` accepts it as is). */
export interface PresetDocument {
  format: 'torch-init-program/1';
  model: string;
  constructor: string;
  derived_with: string;
  state_dict: PresetEntry[];
  steps: StepSpec[];
}

/** A preset document turned into a runnable program (`ProgramSpec` plus the descriptive fields). */
export interface PresetProgram extends PresetDocument {
  seed: bigint;
}

/** Unknown model (404) or bad constructor options (400); `errors[]` feeds RFC 9457 `errors`. */
export class PresetError extends Error {
  readonly status: 400 | 404;
  readonly errors: FieldError[];
  constructor(status: 400 | 404, errors: FieldError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'PresetError';
    this.status = status;
    this.errors = errors;
  }
}

export function unknownModel(name: string): PresetError {
  return new PresetError(404, [{ field: 'name', message: `unknown model '${name}'; models are ${MODEL_NAMES.join(', ')}` }]);
}

/**
 * Structural check of a parsed preset file (it is committed data, so a failure here is a
 * packaging fault, not a client error): plain `Error`.
 */
export function parsePresetDocument(json: unknown, expectName?: string): PresetDocument {
  const d = json as PresetDocument;
  const fail = (why: string) => new Error(`preset ${expectName ?? '?'}: ${why}`);
  if (!d || typeof d !== 'object') throw fail('not an object');
  if (d.format !== 'torch-init-program/1') throw fail(`format ${String(d.format)}`);
  if (expectName !== undefined && d.model !== expectName) throw fail(`model field is ${String(d.model)}`);
  if (!Array.isArray(d.state_dict) || !Array.isArray(d.steps)) throw fail('state_dict and steps must be lists');
  for (const e of d.state_dict) {
    if (typeof e.name !== 'string' || !Array.isArray(e.shape) || !ALL_DTYPES.includes(e.dtype) || (e.kind !== 'parameter' && e.kind !== 'buffer')) {
      throw fail(`bad state_dict entry ${JSON.stringify(e).slice(0, 120)}`);
    }
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// Constructor options
// ---------------------------------------------------------------------------------------------

export interface PresetOptions {
  num_classes?: number;
  zero_init_residual?: boolean;
}
/** Options with every supported one filled in (defaults included): the canonical form. */
export type ResolvedPresetOptions = PresetOptions;

export interface OptionSpec {
  name: keyof PresetOptions;
  type: 'integer' | 'boolean';
  default: number | boolean;
  minimum?: number;
  description: string;
}

export const NUM_CLASSES: OptionSpec = {
  name: 'num_classes', type: 'integer', default: 1000, minimum: 1,
  description: 'size of the classifier output (every classifier head of the model: googlenet and inception_v3 aux heads included)',
};
export const ZERO_INIT_RESIDUAL: OptionSpec = {
  name: 'zero_init_residual', type: 'boolean', default: false,
  description: "torchvision's zero_init_residual: the last BatchNorm weight of every residual block (bn2 of BasicBlock, bn3 of Bottleneck) set to 0",
};

export const RESNET_FAMILY: ReadonlySet<ModelName> = new Set(['resnet18', 'resnet50', 'resnext50_32x4d', 'wide_resnet50_2']);

export function supportedOptions(model: ModelName): OptionSpec[] {
  return RESNET_FAMILY.has(model) ? [NUM_CLASSES, ZERO_INIT_RESIDUAL] : [NUM_CLASSES];
}

const ALL_OPTIONS: readonly OptionSpec[] = [NUM_CLASSES, ZERO_INIT_RESIDUAL];

/**
 * Validates raw options (typed values: numbers and booleans, as the HTTP layer parses them;
 * `undefined` means absent) and returns every supported option resolved to a value.
 * Unknown or unsupported names and wrong values → `PresetError` 400 listing the supported ones.
 */
export function resolvePresetOptions(model: ModelName, raw: Record<string, unknown> = {}): ResolvedPresetOptions {
  const supported = supportedOptions(model);
  const list = supported.map((o) => o.name).join(', ');
  const errors: FieldError[] = [];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    const spec = supported.find((o) => o.name === k);
    if (!spec) {
      const known = ALL_OPTIONS.some((o) => o.name === k);
      errors.push({
        field: k,
        message: known
          ? `model '${model}' does not support option '${k}'; its options are ${list}`
          : `unknown option '${k}' for model '${model}'; its options are ${list}`,
      });
      continue;
    }
    if (spec.type === 'integer') {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < (spec.minimum ?? -Infinity)) {
        errors.push({ field: k, message: `option '${k}' must be a positive integer` });
        continue;
      }
    } else if (typeof v !== 'boolean') {
      errors.push({ field: k, message: `option '${k}' must be a boolean (true or false)` });
      continue;
    }
    out[k] = v;
  }
  if (errors.length) throw new PresetError(400, errors);
  for (const o of supported) out[o.name] ??= o.default;
  return out as ResolvedPresetOptions;
}

/** `torchvision.models.<name>(k=v, ...)`: the options that differ from the default, Python-spelled. */
export function constructorText(model: ModelName, opts: PresetOptions): string {
  const args: string[] = [];
  for (const o of supportedOptions(model)) {
    const v = opts[o.name];
    if (v === undefined || v === o.default) continue;
    args.push(`${o.name}=${typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v)}`);
  }
  return `torchvision.models.${model}(${args.join(', ')})`;
}

// ---------------------------------------------------------------------------------------------
// What GET /v1/models lists
// ---------------------------------------------------------------------------------------------

export interface ModelInfo {
  name: ModelName;
  constructor: string;
  /** `sum(p.numel() for p in m.parameters())` */
  parameters: number;
  /** elements of the buffers (running stats, num_batches_tracked, index tables) */
  buffers: number;
  elements: number;
  tensors: number;
  parameter_tensors: number;
  buffer_tensors: number;
  /** Response payload bytes per requested dtype (`model.to(dtype)` casts float tensors; int64 stays 8 bytes). */
  bytes: { float32: number; float16: number; bfloat16: number; float64: number };
  options: OptionSpec[];
}

export function modelInfo(model: ModelName, doc: Pick<PresetDocument, 'state_dict' | 'constructor'>): ModelInfo {
  let parameters = 0, buffers = 0, pt = 0, bt = 0, floatEl = 0, intBytes = 0;
  for (const e of doc.state_dict) {
    const n = numel(e.shape);
    if (e.kind === 'parameter') { parameters += n; pt++; } else { buffers += n; bt++; }
    if (e.dtype === 'int64') intBytes += n * BYTES.int64;
    else floatEl += n;
  }
  const bytes = (d: 'float32' | 'float16' | 'bfloat16' | 'float64') => floatEl * BYTES[d] + intBytes;
  return {
    name: model,
    constructor: doc.constructor,
    parameters,
    buffers,
    elements: parameters + buffers,
    tensors: doc.state_dict.length,
    parameter_tensors: pt,
    buffer_tensors: bt,
    bytes: { float32: bytes('float32'), float16: bytes('float16'), bfloat16: bytes('bfloat16'), float64: bytes('float64') },
    options: supportedOptions(model),
  };
}
