/**
 * The RULES form of `POST /v1/programs` (API.md "Programs" → Rules): `model.apply(init_fn)` as
 * data. `{seed, dtype?, tensors: [{name, shape, dtype?}], rules: [{match, scheme, params?}],
 * state_dict?}` becomes an ordinary program with ONE step per tensor, in `tensors` order: the
 * step of `tensors[i]` uses the first rule whose `match` matches the tensor's name. So step i is
 * tensor i, and every later error (`planProgram`'s 400/422, a PyTorch refusal in `runPlan`) is
 * relabelled `tensors[i] (name): ` by `relabelRulesError`.
 *
 * Torch equivalence: with `tensors` listed in the order init_fn writes them,
 * `m = Model(); torch.manual_seed(seed); m.apply(init_fn)` gives the same values
 * (`apply` visits children before their parent, so that order is not always state_dict order).
 *
 * `match`:
 * - `/source/flags` (flags from `dgimsuvy`) is a JavaScript RegExp, unanchored (`RegExp.test`,
 *   `lastIndex` reset for every name, so `g`/`y` do not carry state between names).
 * - anything else is a glob with Python's `fnmatch.fnmatchcase` semantics on the whole name:
 *   `*` any run of characters (dots included), `?` one character, `[seq]` / `[!seq]` a class
 *   with ranges, following `fnmatch.translate` of CPython 3.11 exactly (a `[` without a closing
 *   `]` is literal, `-` first/last is literal, reversed ranges are dropped, `[!]` matches nothing
 *   ... see `parseGlob`). Characters are Unicode code points, compared case-sensitively. Globs
 *   are matched by a small wildcard matcher (O(len(name)·len(glob)) worst case, no RegExp), so a
 *   glob can never backtrack without end.
 *
 * Regex time is bounded: every regex rule runs over all still-unmatched names in ONE call inside
 * a `node:vm` context with a timeout (V8 interrupts a backtracking RegExp on a vm timeout; the
 * core runs on the main thread and in worker threads, and vm works in both). The budget is shared
 * by all regex rules of a request (`regexBudgetMs`, default 1000 ms); a rule that exhausts it is
 * refused with a 400 naming `rules[j]`. This is the one place the core uses `vm`: a pure-TS
 * alternative would need a non-backtracking engine for the whole JS RegExp syntax.
 */
import vm from 'node:vm';
import { type Dtype, type FloatDtype } from './dtype.js';
import { TorchError } from './errors.js';
import { type ProgramSpec, type StepSpec, type Plan, ProgramInvalid, planProgram } from './program.js';
import { SCHEMES } from './schemes/registry.js';
import { type FieldError, resolveParams } from './params.js';

export interface RuleSpec { match: string; scheme: string; params?: Record<string, unknown> }
export interface RuleTensor { name: string; shape: number[]; dtype?: Dtype }
export interface RulesSpec {
  seed: bigint;
  dtype?: FloatDtype;
  tensors: RuleTensor[];
  rules: RuleSpec[];
  state_dict?: { name: string }[];
}
export interface RulesOptions {
  /** Wall-clock budget shared by all regex rules of one request (ms). */
  regexBudgetMs?: number;
  /** Maximum number of tensors (the program step limit). */
  maxTensors?: number;
}

/**
 * Wall-clock time: it must absorb GC pauses and scheduling on a loaded host (100 ms refused a
 * harmless regex on 35 names under load in testing), while a catastrophic pattern blocks the
 * calling thread at most this long per request.
 */
export const DEFAULT_REGEX_BUDGET_MS = 1000;
const REGEX_FORM = /^\/([\s\S]*)\/([a-z]*)$/;
const REGEX_FLAGS = /^[dgimsuvy]*$/;

// ---------------------------------------------------------------------------------------------
// fnmatch
// ---------------------------------------------------------------------------------------------

/** One glob token: `*` or a one-character test. */
export type GlobToken = { star: true } | { star: false; test: (cp: number) => boolean };

const cps = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0)!);

/**
 * A class body exactly as `fnmatch.translate` (CPython 3.11) rewrites `pat[i:j]` (the text
 * between `[` and `]`): ranges split on `-`, reversed ranges removed, then a Python `re` class.
 * Returns a predicate, or 'never' / 'any' for the `(?!)` and `.` special cases.
 */
function translateClass(pat: number[], i: number, j: number): ((cp: number) => boolean) | 'never' | 'any' {
  const DASH = 0x2d, BANG = 0x21, CARET = 0x5e, LBRACK = 0x5b;
  // stuff as a list of chunks of code points (string-level, as Python does)
  let stuff: number[];
  // Each element of `esc` is either a literal code point or a range marker between chunks.
  type Item = { lit: number } | { dash: true };
  let items: Item[];
  const stuffHasDash = pat.slice(i, j).includes(DASH);
  if (!stuffHasDash) {
    stuff = pat.slice(i, j);
    items = stuff.map((c) => ({ lit: c }));
  } else {
    const chunks: number[][] = [];
    let k = pat[i] === BANG ? i + 2 : i + 1;
    let ii = i;
    for (;;) {
      let f = -1;
      for (let q = k; q < j; q++) if (pat[q] === DASH) { f = q; break; }
      if (f < 0) break;
      chunks.push(pat.slice(ii, f));
      ii = f + 1;
      k = f + 3;
    }
    const chunk = pat.slice(ii, j);
    if (chunk.length) chunks.push(chunk);
    else chunks[chunks.length - 1].push(DASH);
    for (let q = chunks.length - 1; q > 0; q--) {
      const a = chunks[q - 1], b = chunks[q];
      if (a[a.length - 1] > b[0]) {
        chunks[q - 1] = [...a.slice(0, -1), ...b.slice(1)];
        chunks.splice(q, 1);
      }
    }
    // '-'.join(chunks with '-' escaped): dashes inside chunks are literals, joins are ranges
    items = [];
    stuff = [];
    chunks.forEach((c, q) => {
      if (q > 0) { items.push({ dash: true }); stuff.push(DASH); }
      for (const x of c) { items.push({ lit: x }); stuff.push(x); }
    });
  }
  if (stuff.length === 0) return 'never';
  if (stuff.length === 1 && stuff[0] === BANG) return 'any';
  let negate = false;
  if (stuff[0] === BANG) { negate = true; items = items.slice(1); }
  else if (stuff[0] === CARET || stuff[0] === LBRACK) { /* escaped: a literal, nothing to do */ }
  // Python re class semantics over the items: `x - y` (a join dash between two literals) is a range.
  const singles = new Set<number>();
  const ranges: [number, number][] = [];
  for (let q = 0; q < items.length; q++) {
    const it = items[q];
    if ('dash' in it) {
      // a join dash is always between a range's two ends (chunks are non-empty after removal,
      // except that a negated first chunk may be just '!', which Python then reads as `[^-...]`)
      singles.add(DASH);
      continue;
    }
    const nx = items[q + 1], nn = items[q + 2];
    if (nx && 'dash' in nx && nn && 'lit' in nn) {
      ranges.push([it.lit, nn.lit]);
      q += 2;
    } else {
      singles.add(it.lit);
    }
  }
  const test = (cp: number) => singles.has(cp) || ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
  return negate ? (cp) => !test(cp) : test;
}

/** The tokens of a glob, as `fnmatch.translate` reads it. */
export function parseGlob(glob: string): GlobToken[] {
  const pat = cps(glob);
  const n = pat.length;
  const out: GlobToken[] = [];
  let i = 0;
  while (i < n) {
    const c = pat[i++];
    if (c === 0x2a /* * */) {
      if (!out.length || !out[out.length - 1].star) out.push({ star: true });
    } else if (c === 0x3f /* ? */) {
      out.push({ star: false, test: () => true });
    } else if (c === 0x5b /* [ */) {
      let j = i;
      if (j < n && pat[j] === 0x21) j++;
      if (j < n && pat[j] === 0x5d) j++;
      while (j < n && pat[j] !== 0x5d) j++;
      if (j >= n) {
        out.push({ star: false, test: (x) => x === 0x5b });
      } else {
        const cls = translateClass(pat, i, j);
        i = j + 1;
        out.push({ star: false, test: cls === 'never' ? () => false : cls === 'any' ? () => true : cls });
      }
    } else {
      out.push({ star: false, test: (x) => x === c });
    }
  }
  return out;
}

/** Whole-name wildcard match: greedy star with single backtrack point, O(n·m) worst case. */
export function globMatch(tokens: GlobToken[], name: string): boolean {
  const s = cps(name);
  const n = s.length, m = tokens.length;
  let p = 0, k = 0, starP = -1, starK = 0;
  while (k < n) {
    const t = tokens[p];
    if (p < m && !t.star && t.test(s[k])) { p++; k++; }
    else if (p < m && t.star) { starP = p++; starK = k; }
    else if (starP >= 0) { p = starP + 1; k = ++starK; }
    else return false;
  }
  while (p < m && tokens[p].star) p++;
  return p === m;
}

/** `fnmatch.fnmatchcase(name, glob)`. */
export function fnmatchcase(name: string, glob: string): boolean {
  return globMatch(parseGlob(glob), name);
}

// ---------------------------------------------------------------------------------------------
// regex with a time budget
// ---------------------------------------------------------------------------------------------

/** `/source/flags` → [source, flags], else null (then `match` is a glob). */
export function regexForm(match: string): [string, string] | null {
  const m = REGEX_FORM.exec(match);
  if (!m || !REGEX_FLAGS.test(m[2])) return null;
  return [m[1], m[2]];
}

let vmCtx: vm.Context | undefined;
let vmScript: vm.Script | undefined;

/**
 * `new RegExp(source, flags).test(name)` for every name, inside a vm context with `timeoutMs`:
 * a string of '0'/'1', or null when the time ran out.
 */
export function regexMatchAll(source: string, flags: string, names: readonly string[], timeoutMs: number): string | null {
  vmCtx ??= vm.createContext(Object.create(null));
  vmScript ??= new vm.Script(
    `(() => { const re = new RegExp(src, flags); let r = '';
      for (let i = 0; i < names.length; i++) { re.lastIndex = 0; r += re.test(names[i]) ? '1' : '0'; }
      return r; })()`,
  );
  const ctx = vmCtx as Record<string, unknown>;
  ctx.src = source;
  ctx.flags = flags;
  ctx.names = names;
  try {
    return vmScript.runInContext(vmCtx, { timeout: Math.max(1, Math.ceil(timeoutMs)) }) as string;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return null;
    throw e;
  } finally {
    ctx.names = undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// rules → program
// ---------------------------------------------------------------------------------------------

const ruleLabel = (j: number, r: RuleSpec) => `rules[${j}] (${typeof r?.match === 'string' ? r.match : '?'}): `;
const tensorLabel = (i: number, name: string) => `tensors[${i}] (${name}): `;
const fail = (errors: FieldError[]): never => { throw new ProgramInvalid(errors, 400); };

type Matcher = { kind: 'glob'; tokens: GlobToken[] } | { kind: 'regex'; source: string; flags: string };

/**
 * The program of a rules request: step i initialises `tensors[i]` with the first matching rule.
 * Throws `ProgramInvalid` (400) naming `rules[j]` (unknown scheme or param, invalid regex, regex
 * over its time budget) or `tensors[i]` (no rule matches).
 */
export function rulesToProgram(spec: RulesSpec, opts: RulesOptions = {}): ProgramSpec {
  const { tensors, rules } = spec;
  if (!Array.isArray(tensors) || tensors.length === 0) fail([{ field: 'tensors', message: 'tensors must be a non-empty list of {name, shape, dtype?}' }]);
  if (!Array.isArray(rules) || rules.length === 0) fail([{ field: 'rules', message: 'rules must be a non-empty list of {match, scheme, params?}' }]);
  const maxTensors = opts.maxTensors ?? Infinity;
  if (tensors.length > maxTensors) fail([{ field: 'tensors', message: `program has ${tensors.length} tensors; the limit is ${maxTensors}` }]);

  // Rules first: each one must be usable even if nothing reaches it.
  const errors: FieldError[] = [];
  const matchers: Matcher[] = [];
  const resolved: Record<string, unknown>[] = [];
  rules.forEach((r, j) => {
    const label = ruleLabel(j, r);
    if (typeof r?.match !== 'string') {
      errors.push({ field: `rules[${j}].match`, message: `${label}match must be a string (a glob, or /regex/flags)` });
    } else {
      const rf = regexForm(r.match);
      if (rf) {
        try {
          new RegExp(rf[0], rf[1]); // compile only: syntax errors, never a long run
          matchers[j] = { kind: 'regex', source: rf[0], flags: rf[1] };
        } catch (e) {
          errors.push({ field: `rules[${j}].match`, message: `${label}invalid regular expression: ${(e as Error).message}` });
        }
      } else {
        matchers[j] = { kind: 'glob', tokens: parseGlob(r.match) };
      }
    }
    const def = typeof r?.scheme === 'string' ? SCHEMES.get(r.scheme) : undefined;
    if (!def) {
      errors.push({ field: `rules[${j}].scheme`, message: `${label}unknown scheme '${String(r?.scheme)}'; schemes are ${[...SCHEMES.keys()].join(', ')}` });
    } else {
      const rp = resolveParams(def, r.params, `rules[${j}].params`);
      for (const e of rp.errors) errors.push({ field: e.field, message: label + e.message });
      resolved[j] = rp.params;
    }
  });
  tensors.forEach((t, i) => {
    if (typeof t?.name !== 'string') errors.push({ field: `tensors[${i}].name`, message: `tensors[${i}]: name must be a string` });
  });
  if (errors.length) fail(errors);

  // First match per tensor: rules in order, each over the names still unmatched.
  const names = tensors.map((t) => t.name);
  const chosen = new Int32Array(names.length).fill(-1);
  let budget = opts.regexBudgetMs ?? DEFAULT_REGEX_BUDGET_MS;
  for (let j = 0; j < rules.length; j++) {
    const open: number[] = [];
    for (let i = 0; i < names.length; i++) if (chosen[i] < 0) open.push(i);
    if (!open.length) break;
    const m = matchers[j];
    if (m.kind === 'glob') {
      for (const i of open) if (globMatch(m.tokens, names[i])) chosen[i] = j;
      continue;
    }
    const t0 = performance.now();
    const bits = budget > 0 ? regexMatchAll(m.source, m.flags, open.map((i) => names[i]), budget) : null;
    budget -= performance.now() - t0;
    if (bits === null) {
      fail([{
        field: `rules[${j}].match`,
        message: `${ruleLabel(j, rules[j])}regular expression refused: matching ${open.length} tensor names did not finish within the ${opts.regexBudgetMs ?? DEFAULT_REGEX_BUDGET_MS} ms regex budget (catastrophic backtracking?)`,
      }]);
    }
    open.forEach((i, q) => { if (bits![q] === '1') chosen[i] = j; });
  }

  const nomatch: FieldError[] = [];
  const steps: StepSpec[] = tensors.map((t, i) => {
    const j = chosen[i];
    if (j < 0) {
      const shown = rules.slice(0, 6).map((r) => JSON.stringify(r.match)).join(', ') + (rules.length > 6 ? ', ...' : '');
      nomatch.push({ field: `tensors[${i}].name`, message: `${tensorLabel(i, t.name)}no rule matches '${t.name}' (rules: ${shown})` });
    }
    const r = rules[Math.max(j, 0)];
    const st: StepSpec = { name: t.name, shape: t.shape, scheme: r.scheme, params: resolved[Math.max(j, 0)] };
    if (t.dtype !== undefined) st.dtype = t.dtype;
    return st;
  });
  if (nomatch.length) fail(nomatch);

  const prog: ProgramSpec = { seed: spec.seed, steps };
  if (spec.dtype !== undefined) prog.dtype = spec.dtype;
  if (spec.state_dict !== undefined) prog.state_dict = spec.state_dict;
  return prog;
}

const STEP_PREFIX = /^steps\[(\d+)\]/;

/**
 * `steps[i] (name): text` → `tensors[i] (name): text`, for error texts that crossed a thread
 * boundary as plain strings (step i of a rules program is tensors[i]).
 */
export function rulesLabel(text: string): string {
  return text.replace(STEP_PREFIX, 'tensors[$1]');
}

/**
 * Errors about step i of a rules program are about `tensors[i]`: rewrites `steps[i]` in fields
 * and message prefixes of `ProgramInvalid` and `TorchError` (others are returned unchanged).
 */
export function relabelRulesError(e: unknown): unknown {
  const fix = rulesLabel;
  if (e instanceof ProgramInvalid) {
    const errs = e.errors.map((x) => ({
      field: x.field === 'steps' ? 'tensors' : fix(x.field),
      message: fix(x.message).replace(/^program has (\d+) steps/, 'program has $1 tensors').replace(/^program has no steps$/, 'program has no tensors'),
    }));
    return new ProgramInvalid(errs, e.status);
  }
  if (e instanceof TorchError) return new TorchError(e.pyType, fix(e.message));
  return e;
}

/** `planProgram(rulesToProgram(spec))` with errors labelled by tensor. */
export function planRules(spec: RulesSpec, opts: RulesOptions & { advanceOverwritten?: boolean } = {}): Plan {
  const prog = rulesToProgram(spec, opts);
  try {
    return planProgram(prog, { maxSteps: opts.maxTensors, advanceOverwritten: opts.advanceOverwritten });
  } catch (e) {
    throw relabelRulesError(e);
  }
}
