/**
 * Programs: many named tensors from ONE torch generator stream (`torch-init-program/1`,
 * presets.md §1). `manual_seed(seed)` once; steps run in order; a later full step with an
 * existing name re-initialises it (its draws still happen); `view` writes into part of an
 * existing tensor; `data`/`copy` and int64 serve buffers. Outputs follow `state_dict` (or first
 * appearance). A step whose values can never reach an output is only advanced through (same
 * words, same Box–Muller cache), which is exact and far cheaper.
 */
import { type Dtype, type FloatDtype, type Tensor, type TensorData, ALL_DTYPES, FLOAT_DTYPES, allocate, numel, castDouble, storeBits } from './dtype.js';
import { TorchError, ProgramError, Aborted } from './errors.js';
import { TorchGenerator } from './rng/mt19937.js';
import { SCHEMES } from './schemes/registry.js';
import { resolveParams, type FieldError } from './params.js';
import type { InitContext } from './schemes/context.js';

export interface ViewSpec { offset: number; shape: number[]; stride: number[] }
export interface StepSpec {
  name: string;
  shape: number[];
  dtype?: Dtype;
  scheme: string;
  params?: Record<string, unknown>;
  view?: ViewSpec;
}
export interface ProgramSpec {
  seed: bigint;
  dtype?: FloatDtype;
  steps: StepSpec[];
  state_dict?: { name: string }[];
}
export interface NamedTensor extends Tensor { name: string }

/** A validated step with everything resolved. */
export interface PlannedStep {
  index: number;
  name: string;
  shape: number[];
  dtype: Dtype;
  scheme: string;
  params: Record<string, unknown>;
  view?: ViewSpec;
  /** values never reach an output: advance only */
  advanceOnly: boolean;
}
export interface Plan {
  seed: bigint;
  /** false for a single tensor: PyTorch's text alone, without the `steps[i] (name): ` label */
  labelErrors: boolean;
  /** what step i is called in run-time errors: `steps[i]`, or `tensors[i]` for the rules form */
  labelKind?: 'steps' | 'tensors';
  steps: PlannedStep[];
  outputs: { name: string; shape: number[]; dtype: Dtype }[];
}

const DETERMINISTIC_INT = new Set(['zeros', 'ones', 'constant', 'data', 'copy']);
const stepLabel = (i: number, name: string) => `steps[${i}] (${name}): `;

export class ProgramInvalid extends Error {
  constructor(readonly errors: FieldError[], readonly status: 400 | 422) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'ProgramInvalid';
  }
}

function checkShape(shape: unknown): string | null {
  if (!Array.isArray(shape)) return 'shape must be a list of non-negative integers';
  if (shape.length > 64) return 'shape has more than 64 dimensions';
  for (const d of shape) if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) return 'shape must be a list of non-negative integers';
  if (numel(shape as number[]) >= 2 ** 53) return 'shape has 2^53 or more elements';
  return null;
}

/**
 * Validates and plans a program: 400 for malformed steps (unknown scheme/param, wrong types,
 * bad shapes), 422 for steps that cannot run (unknown `from`, shape mismatch, view out of
 * bounds, copy cycles). Every message starts with `steps[i] (name): `.
 */
export function planProgram(p: ProgramSpec, opts: { maxSteps?: number; advanceOverwritten?: boolean; labelErrors?: boolean; labelKind?: 'steps' | 'tensors' } = {}): Plan {
  const maxSteps = opts.maxSteps ?? Infinity;
  if (p.steps.length > maxSteps) throw new ProgramInvalid([{ field: 'steps', message: `program has ${p.steps.length} steps; the limit is ${maxSteps}` }], 400);
  if (p.steps.length === 0) throw new ProgramInvalid([{ field: 'steps', message: 'program has no steps' }], 400);
  const bad400: FieldError[] = [];
  const planned: PlannedStep[] = [];
  p.steps.forEach((s, i) => {
    const label = stepLabel(i, s.name);
    const field = `steps[${i}]`;
    const dtype = s.dtype ?? p.dtype ?? 'float32';
    if (!ALL_DTYPES.includes(dtype)) bad400.push({ field: `${field}.dtype`, message: `${label}dtype must be one of ${ALL_DTYPES.join(', ')}` });
    const se = checkShape(s.shape);
    if (se) bad400.push({ field: `${field}.shape`, message: label + se });
    let params: Record<string, unknown> = s.params ?? {};
    if (s.scheme === 'data') {
      if (!Array.isArray(params.values)) bad400.push({ field: `${field}.params.values`, message: `${label}scheme 'data' needs params.values, a flat list of numbers` });
    } else if (s.scheme === 'copy') {
      if (typeof params.from !== 'string') bad400.push({ field: `${field}.params.from`, message: `${label}scheme 'copy' needs params.from, the name of an earlier tensor` });
    } else {
      const def = SCHEMES.get(s.scheme);
      if (!def) {
        bad400.push({ field: `${field}.scheme`, message: `${label}unknown scheme '${s.scheme}'; schemes are ${[...SCHEMES.keys(), 'data', 'copy'].join(', ')}` });
      } else {
        const r = resolveParams(def, s.params, `${field}.params`);
        for (const e of r.errors) bad400.push({ field: e.field, message: label + e.message });
        params = r.params;
      }
    }
    if (dtype === 'int64' && !DETERMINISTIC_INT.has(s.scheme)) {
      bad400.push({ field: `${field}.dtype`, message: `${label}scheme '${s.scheme}' does not support dtype int64 (only ${[...DETERMINISTIC_INT].join(', ')})` });
    }
    planned.push({ index: i, name: s.name, shape: s.shape, dtype, scheme: s.scheme, params, view: s.view, advanceOnly: false });
  });
  if (bad400.length) throw new ProgramInvalid(bad400, 400);

  // Semantic checks in run order (422).
  const bad: FieldError[] = [];
  const defined = new Map<string, { shape: number[]; dtype: Dtype }>();
  for (const st of planned) {
    const label = stepLabel(st.index, st.name);
    const field = `steps[${st.index}]`;
    if (st.view) {
      const cur = defined.get(st.name);
      const v = st.view;
      if (!cur) { bad.push({ field: `${field}.view`, message: `${label}view on '${st.name}', which no earlier step defines` }); continue; }
      if (checkShape(v.shape) || !Array.isArray(v.stride) || v.stride.length !== v.shape.length || !Number.isInteger(v.offset) || v.offset < 0 || v.stride.some((x) => !Number.isInteger(x) || x < 0)) {
        bad.push({ field: `${field}.view`, message: `${label}view needs a non-negative integer offset, a shape and one non-negative integer stride per dim` });
        continue;
      }
      const n = numel(v.shape);
      let maxIdx = v.offset;
      for (let d = 0; d < v.shape.length; d++) maxIdx += (v.shape[d] - 1) * v.stride[d];
      if (n > 0 && maxIdx >= numel(cur.shape)) {
        bad.push({ field: `${field}.view`, message: `${label}view out of bounds: it reaches element ${maxIdx} of '${st.name}', which has ${numel(cur.shape)} elements` });
        continue;
      }
      if (st.dtype !== cur.dtype && st.dtype !== (p.dtype ?? 'float32')) {
        bad.push({ field: `${field}.dtype`, message: `${label}a view has the dtype of '${st.name}' (${cur.dtype})` });
      }
      st.dtype = cur.dtype;
      continue;
    }
    if (st.scheme === 'copy') {
      const from = st.params.from as string;
      const src = defined.get(from);
      if (!src) {
        const later = planned.find((o) => o.index > st.index && o.name === from && o.scheme === 'copy');
        const cyc = later && later.params.from === st.name;
        bad.push({ field: `${field}.params.from`, message: cyc ? `${label}cycle in copy: '${st.name}' copies '${from}', which copies '${st.name}'` : `${label}copy from unknown tensor '${from}' (it must be defined by an earlier step)` });
      } else if (src.dtype !== st.dtype || src.shape.join(',') !== st.shape.join(',')) {
        bad.push({ field: `${field}.params.from`, message: `${label}shape mismatch: copy of '${from}' [${src.shape.join(', ')}] ${src.dtype} into [${st.shape.join(', ')}] ${st.dtype}` });
      }
    }
    if (st.scheme === 'data') {
      const vals = st.params.values as unknown[];
      if (vals.length !== numel(st.shape)) bad.push({ field: `${field}.params.values`, message: `${label}shape mismatch: ${vals.length} values for shape [${st.shape.join(', ')}] (${numel(st.shape)} elements)` });
      else if (vals.some((x) => typeof x !== 'number' || (st.dtype === 'int64' && !Number.isInteger(x)))) bad.push({ field: `${field}.params.values`, message: `${label}values must be ${st.dtype === 'int64' ? 'integers' : 'numbers'}` });
    }
    defined.set(st.name, { shape: st.shape, dtype: st.dtype });
  }

  // Outputs: state_dict order, else first appearance.
  let names: string[];
  if (p.state_dict) {
    names = p.state_dict.map((e) => e.name);
    p.state_dict.forEach((e, i) => {
      if (!defined.has(e.name)) bad.push({ field: `state_dict[${i}]`, message: `state_dict[${i}] (${e.name}): no step defines '${e.name}'` });
    });
    const seen = new Set<string>();
    names.forEach((nm, i) => { if (seen.has(nm)) bad.push({ field: `state_dict[${i}]`, message: `state_dict[${i}] (${nm}): listed twice` }); seen.add(nm); });
  } else {
    names = [...new Set(planned.map((s) => s.name))];
  }
  if (bad.length) throw new ProgramInvalid(bad, 422);

  if (opts.advanceOverwritten ?? true) markAdvanceOnly(planned, new Set(names));
  return { seed: p.seed, labelErrors: opts.labelErrors ?? true, labelKind: opts.labelKind, steps: planned, outputs: names.map((nm) => ({ name: nm, ...defined.get(nm)! })) };
}

/** A step is advance-only when nothing reads its values before a full re-initialisation. */
function markAdvanceOnly(steps: PlannedStep[], outputs: Set<string>): void {
  // Walk backwards tracking, per name, whether the current values are still needed.
  const needed = new Map<string, boolean>();
  for (const nm of outputs) needed.set(nm, true);
  for (let i = steps.length - 1; i >= 0; i--) {
    const st = steps[i];
    const need = needed.get(st.name) ?? false;
    st.advanceOnly = !need;
    if (!st.view) needed.set(st.name, false); // a full step defines all of it afresh
    if (st.view && need) needed.set(st.name, true); // the rest of the tensor is still needed
    if (st.scheme === 'copy' && need) needed.set(st.params.from as string, true);
  }
}

/** C-order contiguity of a view (size-1 dims ignored), as Tensor.is_contiguous(). */
function viewContiguous(v: ViewSpec): boolean {
  let expected = 1;
  for (let d = v.shape.length - 1; d >= 0; d--) {
    if (v.shape[d] !== 1 && v.stride[d] !== expected) return false;
    expected *= v.shape[d];
  }
  return true;
}

/** Storage positions of a view's elements in TensorIterator order (memory order). */
function viewPositions(v: ViewSpec, logical: boolean): Float64Array {
  const n = numel(v.shape);
  const pos = new Float64Array(n);
  const dims = v.shape.map((_, d) => d);
  if (!logical) dims.sort((a, b) => v.stride[b] - v.stride[a]); // stable: outer = largest stride
  const idx = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < n; k++) {
    let p = v.offset;
    for (let j = 0; j < dims.length; j++) p += idx[j] * v.stride[dims[j]];
    pos[k] = p;
    for (let j = dims.length - 1; j >= 0; j--) {
      if (++idx[j] < v.shape[dims[j]]) break;
      idx[j] = 0;
    }
  }
  return pos;
}

export interface RunOptions {
  /** Polled between steps and in long loops; return true to stop (client gone, time limit). */
  shouldAbort?: () => boolean;
  /**
   * Storage for an output tensor (e.g. a view into the response body behind its header);
   * undefined = allocate as usual. Called for each full step that (re)defines an output name.
   */
  place?: (name: string, dtype: Dtype, n: number) => TensorData | undefined;
  /**
   * Called after each step has run, with the data of the tensor it wrote (progress reports: a
   * streamed body sends an output once its last step is done).
   */
  onStep?: (step: PlannedStep, data: TensorData) => void;
  /**
   * A float32 normal_fill about to run for `step` (n ≥ 16, contiguous): return true after
   * drawing its words yourself (a deferred transform, src/worker/deferred.ts), false to let the
   * kernel run as usual.
   */
  deferNormal?: (step: PlannedStep, gen: TorchGenerator, out: Float32Array, n: number, mean: number, std: number) => boolean;
}

/** Schemes whose whole work is one normal_ of the tensor (normal_fill for n ≥ 16). */
const NORMAL_FILL_SCHEMES = new Set(['normal', 'xavier_normal', 'kaiming_normal']);

/** A step whose normal_fill transform can run after the program, elsewhere (see deferNormal). */
export interface DeferrableNormal { step: number; name: string; n: number }

/**
 * float32 normal-family steps of at least `minElements` whose values nothing reads before the
 * output is sent: not overwritten (not advance-only), the output's last write (no later view),
 * no later copy from it, and written in place (`placed`). Their transforms (~80% of a torchvision
 * model's time) can then run on other threads while the generator moves on.
 */
export function deferrableNormals(plan: Plan, placed: (name: string) => boolean, minElements = 1 << 16): DeferrableNormal[] {
  const last = new Map<string, number>();
  const lastCopied = new Map<string, number>();
  plan.steps.forEach((st, i) => {
    last.set(st.name, i);
    if (st.scheme === 'copy') lastCopied.set(st.params.from as string, i);
  });
  const outputs = new Set(plan.outputs.map((o) => o.name));
  const out: DeferrableNormal[] = [];
  for (const st of plan.steps) {
    if (st.advanceOnly || st.view || st.dtype !== 'float32' || !NORMAL_FILL_SCHEMES.has(st.scheme)) continue;
    const n = numel(st.shape);
    if (n < Math.max(16, minElements) || last.get(st.name) !== st.index || (lastCopied.get(st.name) ?? -1) > st.index) continue;
    if (!outputs.has(st.name) || !placed(st.name)) continue;
    out.push({ step: st.index, name: st.name, n });
  }
  return out;
}


/**
 * Index of the last step that writes each output (its values are final once that step has run),
 * in output order.
 */
export function lastWrites(plan: Plan): number[] {
  const last = new Map<string, number>();
  plan.steps.forEach((st, i) => last.set(st.name, i));
  return plan.outputs.map((o) => last.get(o.name)!);
}

/** Runs a planned program; TorchErrors come back prefixed with the step. */
export function runPlan(plan: Plan, opts: RunOptions = {}): NamedTensor[] {
  const gen = new TorchGenerator(plan.seed);
  const T = new Map<string, { shape: number[]; dtype: Dtype; data: TensorData }>();
  for (const st of plan.steps) {
    if (opts.shouldAbort?.()) throw new Aborted();
    try {
      runStep(gen, st, T, opts.shouldAbort, opts.place, opts.deferNormal);
      opts.onStep?.(st, T.get(st.name)!.data);
    } catch (e) {
      if (e instanceof TorchError) {
        const label = `${plan.labelKind ?? 'steps'}[${st.index}] (${st.name}): `;
        throw plan.labelErrors ? new TorchError(e.pyType, label + e.message) : e;
      }
      throw e;
    }
  }
  return plan.outputs.map((o) => ({ name: o.name, ...T.get(o.name)! }));
}

function runStep(gen: TorchGenerator, st: PlannedStep, T: Map<string, { shape: number[]; dtype: Dtype; data: TensorData }>, shouldAbort?: () => boolean, place?: RunOptions['place'], deferNormal?: RunOptions['deferNormal']): void {
  if (st.view) {
    const target = T.get(st.name)!;
    const v = st.view;
    const n = numel(v.shape);
    const contiguous = viewContiguous(v);
    const tmp = allocate(target.dtype, n);
    const logical = !contiguous && ['eye', 'dirac', 'orthogonal', 'sparse', 'data'].includes(st.scheme);
    if (st.scheme === 'copy') {
      const src = T.get(st.params.from as string)!;
      tmp.set(src.data.subarray(0, n) as never);
    } else {
      fillInto(gen, { ...st, shape: v.shape }, target.dtype, tmp, n, contiguous, shouldAbort);
    }
    if (st.advanceOnly) return;
    const pos = viewPositions(v, contiguous || logical);
    const dst = target.data as unknown as { [i: number]: number | bigint };
    const s = tmp as unknown as { [i: number]: number | bigint };
    for (let k = 0; k < n; k++) dst[pos[k]] = s[k];
    return;
  }
  const n = numel(st.shape);
  const data = place?.(st.name, st.dtype, n) ?? allocate(st.dtype, n);
  if (st.scheme === 'copy') {
    const src = T.get(st.params.from as string)!;
    data.set(src.data as never);
  } else {
    fillInto(gen, st, st.dtype, data, n, true, shouldAbort, deferNormal);
  }
  T.set(st.name, { shape: st.shape, dtype: st.dtype, data });
}

function fillInto(gen: TorchGenerator, st: PlannedStep, dtype: Dtype, out: TensorData, n: number, contiguous: boolean, shouldAbort?: () => boolean, deferNormal?: RunOptions['deferNormal']): void {
  if (st.scheme === 'data') {
    const vals = st.params.values as number[];
    if (dtype === 'int64') {
      const o = out as BigInt64Array;
      for (let i = 0; i < n; i++) o[i] = BigInt(vals[i]);
    } else if (dtype === 'float16' || dtype === 'bfloat16') {
      const o = out as Uint16Array;
      for (let i = 0; i < n; i++) o[i] = storeBits(dtype, castDouble(dtype, vals[i]));
    } else {
      const o = out as Float32Array | Float64Array;
      for (let i = 0; i < n; i++) o[i] = vals[i];
    }
    return;
  }
  if (dtype === 'int64') {
    const v = st.scheme === 'ones' ? 1 : st.scheme === 'zeros' ? 0 : (st.params.val as number);
    (out as BigInt64Array).fill(BigInt(Math.trunc(v)));
    return;
  }
  const def = SCHEMES.get(st.scheme)!;
  const ctx: InitContext = { gen, shape: st.shape, dtype: dtype as FloatDtype, n, out, params: st.params, advanceOnly: st.advanceOnly, contiguous, shouldAbort };
  if (deferNormal) ctx.deferNormal = (g, o, m, mean, std) => deferNormal(st, g, o, m, mean, std);
  def.run(ctx);
}

/** One tensor: `torch.manual_seed(seed); torch.nn.init.<scheme>_(torch.empty(shape, dtype), **params)`. */
export function initTensor(seed: bigint, scheme: string, shape: number[], dtype: FloatDtype, params: Record<string, unknown>, opts: RunOptions = {}): Tensor {
  const plan = planProgram({ seed, steps: [{ name: 'weight', shape, dtype, scheme, params }] }, { labelErrors: false });
  const [t] = runPlan(plan, opts);
  return { dtype: t.dtype, shape: t.shape, data: t.data };
}

export { FLOAT_DTYPES, ProgramError, Aborted };
