/**
 * Model presets: `presetProgram(name, seed, options)` is the program whose run equals
 * `torch.manual_seed(seed); torchvision.models.<name>(**options).state_dict()` (torch 1.13.1,
 * torchvision 0.14.1, CPU, AVX2 kernels), ready for `planProgram` + `runPlan`.
 *
 * Validation (unknown model → 404, bad options → 400) throws `PresetError` and is cheap, so the
 * HTTP layer runs it on the main thread before dispatch; a worker may call `presetProgram` again
 * (each thread caches the parsed files).
 */
import { readPresetJson } from './load.js';
import {
  type ModelInfo, type ModelName, type PresetDocument, type PresetProgram, type ResolvedPresetOptions,
  MODEL_NAMES, isModelName, modelInfo, parsePresetDocument, resolvePresetOptions, unknownModel,
} from './catalog.js';
import { applyPresetOptions } from './options.js';

export * from './catalog.js';
export { HEADS, DEFAULT_NUM_CLASSES, applyPresetOptions, residualNormWeights, documentElements, initRange } from './options.js';
export { presetDataDir } from './load.js';

const docs = new Map<ModelName, PresetDocument>();

function checkName(name: string): ModelName {
  if (!isModelName(name)) throw unknownModel(name);
  return name;
}

/** The stored default program of a model (validated once, cached). */
export function baseDocument(name: string): PresetDocument {
  const model = checkName(name);
  let d = docs.get(model);
  if (!d) {
    d = parsePresetDocument(readPresetJson(model), model);
    docs.set(model, d);
  }
  return d;
}

/** Validates `options` (400) and returns the document for them (404 for an unknown model). */
export function presetDocument(name: string, options: Record<string, unknown> = {}): { document: PresetDocument; options: ResolvedPresetOptions } {
  const model = checkName(name);
  const opts = resolvePresetOptions(model, options);
  return { document: applyPresetOptions(model, baseDocument(model), opts), options: opts };
}

/** The runnable program (`ProgramSpec` + the preset's descriptive fields). */
export function presetProgram(name: string, seed: bigint, options: Record<string, unknown> = {}): PresetProgram {
  return { ...presetDocument(name, options).document, seed };
}

/** What `GET /v1/models/{name}` describes, for the given options (defaults: the stored program). */
export function getModelInfo(name: string, options: Record<string, unknown> = {}): ModelInfo {
  const model = checkName(name);
  return modelInfo(model, presetDocument(model, options).document);
}

/** What `GET /v1/models` lists: every preset with default options. */
export function listModels(): ModelInfo[] {
  return MODEL_NAMES.map((m) => modelInfo(m, baseDocument(m)));
}
