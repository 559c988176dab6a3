/** Element limits per format (413 names the limit and suggests a binary format). */
import type { Config } from '../config.js';
import { HttpProblem } from '../errors.js';
import type { Format } from '../http/negotiate.js';

/**
 * What a JSON body costs: the elements plus the nested lists `tolist()` writes around them
 * (a [10^8, 0] tensor has no element but 10^8 empty lists). The lists are held to the same
 * limit as the elements, separately, so a tensor of exactly LIMIT_JSON_ELEMENTS still fits.
 */
export function jsonCells(shape: readonly number[]): number {
  let cells = 0;
  let lists = 1;
  for (let k = 0; k < shape.length - 1; k++) {
    lists *= shape[k];
    cells += lists;
  }
  let n = 1;
  for (const d of shape) n *= d;
  return n + cells;
}

export function checkTensorLimit(cfg: Config, format: Format, elements: number, what = 'the tensor', shape?: readonly number[]): void {
  if (format === 'json' && shape && jsonCells(shape) - elements > cfg.limits.jsonElements) {
    throw new HttpProblem('too_large', `${what} [${shape.join(', ')}] nests ${jsonCells(shape) - elements} lists; format=json is limited to ${cfg.limits.jsonElements} elements and lists (LIMIT_JSON_ELEMENTS). Use a binary format (raw, npy or safetensors)`, { extra: { limit: cfg.limits.jsonElements } });
  }
  if (format === 'json' && elements > cfg.limits.jsonElements) {
    throw new HttpProblem('too_large', `${what} has ${elements} elements; format=json is limited to ${cfg.limits.jsonElements} elements (LIMIT_JSON_ELEMENTS). Use a binary format (raw, npy or safetensors) for larger tensors`, { extra: { limit: cfg.limits.jsonElements } });
  }
  if (format !== 'json' && elements > cfg.limits.binaryElements) {
    throw new HttpProblem('too_large', `${what} has ${elements} elements; binary formats are limited to ${cfg.limits.binaryElements} elements per tensor (LIMIT_BINARY_ELEMENTS)`, { extra: { limit: cfg.limits.binaryElements } });
  }
}

export function checkProgramLimit(cfg: Config, format: Format, total: number): void {
  if (format === 'json' && total > cfg.limits.jsonElements) {
    throw new HttpProblem('too_large', `the program produces ${total} elements; format=json is limited to ${cfg.limits.jsonElements} elements over the whole response (LIMIT_JSON_ELEMENTS). Use safetensors or npz`, { extra: { limit: cfg.limits.jsonElements } });
  }
  if (total > cfg.limits.programElements) {
    throw new HttpProblem('too_large', `the program produces ${total} elements; a program is limited to ${cfg.limits.programElements} elements (LIMIT_PROGRAM_ELEMENTS)`, { extra: { limit: cfg.limits.programElements } });
  }
}
