// Shared by the preset hash tests: replays a fixture case (real-torch hashes written by
// tools/models/derive_options.py --hashes) through presetProgram + planProgram + runPlan.
import type { Test } from 'tap';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { presetProgram, HEADS, type ModelName } from '../../../src/core/presets/index.js';
import { planProgram, runPlan, type NamedTensor } from '../../../src/core/program.js';
import { numel, tensorBytes } from '../../../src/core/dtype.js';

export interface HashCase {
  model: ModelName;
  options: Record<string, unknown>;
  seed: number;
  layout: string;
  all: string;
  sha256: string[];
  trunc_samples?: Record<string, number[]>;
}

const FIX = new URL('../../fixtures/models/', import.meta.url);
export function loadCases(file: 'default_hashes.json' | 'option_hashes.json'): HashCase[] {
  return JSON.parse(readFileSync(fileURLToPath(new URL(file, FIX)), 'utf8')).cases;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
export const layoutHash = (e: { name: string; shape: number[]; dtype: string }[]) =>
  sha(Buffer.from(JSON.stringify(e.map((o) => [o.name, o.shape, o.dtype]))));

/** Every tensor is computed when PRESETS_FULL=1; otherwise `subset` may leave big ones advance-only. */
export const FULL = process.env.PRESETS_FULL === '1';

export interface CheckOptions {
  /** Compute (and check) only these state_dict entries; the others become advance-only steps. */
  subset?: (e: { name: string; shape: number[] }) => boolean;
}

/** Entries with at most `max` elements, plus the classifier heads (option-dependent). */
export function smallOrHead(model: ModelName, max: number) {
  const heads = new Set(HEADS[model].modules.flatMap((m) => [`${m}.weight`, `${m}.bias`]));
  return (e: { name: string; shape: number[] }) => numel(e.shape) <= max || heads.has(e.name);
}


export function checkCase(t: Test, c: HashCase, opts: CheckOptions = {}): void {
  const prog = presetProgram(c.model, BigInt(c.seed), c.options);
  t.equal(layoutHash(prog.state_dict), c.layout, 'names, shapes and dtypes equal torch state_dict()');
  t.equal(prog.state_dict.length, c.sha256.length, 'tensor count');
  const subset = FULL ? undefined : opts.subset;
  const index = new Map(prog.state_dict.map((e, i) => [e.name, i]));
  const wanted = subset ? prog.state_dict.filter(subset) : prog.state_dict;
  const plan = planProgram({ ...prog, state_dict: wanted });
  const outs: NamedTensor[] = runPlan(plan);

  const bad: string[] = [];
  const all = createHash('sha256');
  for (const o of outs) {
    const i = index.get(o.name)!;
    const e = prog.state_dict[i];
    if (o.dtype !== e.dtype || o.shape.join() !== e.shape.join()) bad.push(`${o.name}: shape/dtype`);
    const b = tensorBytes(o);
    if (!subset) all.update(b);
    if (sha(b).slice(0, c.sha256[i].length) !== c.sha256[i]) bad.push(o.name);
  }
  const label = `${c.model}(${JSON.stringify(c.options)}) seed ${c.seed}`;
  t.same(bad, [], `${label}: ${outs.length}/${prog.state_dict.length} tensors byte-equal to torch${subset ? ' (the rest advance-only)' : ''}`);
  if (!subset) t.equal(all.digest('hex'), c.all, `${label}: sha256 of the whole state_dict`);
}
