// The rules form of POST /v1/programs: fixtures from real torch (`m = Model();
// torch.manual_seed(seed); m.apply(init_fn)`, tools/models/make_rules_fixtures.py), fnmatch
// semantics (expectations from CPython 3.11 fnmatch.fnmatchcase), regex flags, errors, and
// the regex time budget.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  rulesToProgram, planRules, relabelRulesError, rulesLabel, fnmatchcase, regexForm, regexMatchAll, type RulesSpec,
} from '../../src/core/rules.js';
import { planProgram, runPlan, ProgramInvalid } from '../../src/core/program.js';
import { tensorBytes } from '../../src/core/dtype.js';
import { TorchError } from '../../src/core/errors.js';

interface RulesFixture {
  model: string;
  request: Omit<RulesSpec, 'seed'> & { seed: number };
  state_dict: { name: string; shape: number[]; dtype: string }[];
  write_order: string[];
  results: { seed: number; all: string; tensors: Record<string, { sha256: string; shape: number[]; dtype: string }>; trunc_samples?: Record<string, number[]> }[];
}
const load = (f: string): RulesFixture => JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/models/${f}`, import.meta.url)), 'utf8'));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const TRUNC_TODO = 'core parity: float32 trunc_normal is "tolerance" (glibc erff/expf/logf not ported, torch-parity §6)';

function invalid(fn: () => unknown): ProgramInvalid {
  try { fn(); } catch (e) { if (e instanceof ProgramInvalid) return e; throw e; }
  throw new Error('no ProgramInvalid thrown');
}

for (const file of ['rules_cnn.json', 'rules_transformer.json']) {
  const fx = load(file);
  t.test(`${fx.model}: rules reproduce model.apply(init_fn)`, async (t) => {
    for (const r of fx.results) {
      const spec = { ...fx.request, seed: BigInt(r.seed) } as RulesSpec;
      const prog = rulesToProgram(spec);
      t.equal(prog.steps.length, fx.request.tensors.length, 'one step per tensor');
      const outs = runPlan(planProgram(prog));
      t.same(outs.map((o) => o.name), fx.state_dict.map((e) => e.name), 'outputs in state_dict order');
      const bad: string[] = [], truncBad: string[] = [], tolBad: string[] = [];
      const steps = new Map(prog.steps.map((s) => [s.name, s]));
      const all = createHash('sha256');
      for (const o of outs) {
        const want = r.tensors[o.name];
        if (o.shape.join() !== want.shape.join() || o.dtype !== want.dtype) bad.push(`${o.name}: shape/dtype`);
        const b = tensorBytes(o);
        all.update(b);
        if (sha(b) === want.sha256) continue;
        const st = steps.get(o.name)!;
        const sample = r.trunc_samples?.[o.name];
        if (st.scheme !== 'trunc_normal' || !sample) { bad.push(o.name); continue; }
        truncBad.push(o.name);
        const p = st.params as { mean: number; std: number };
        const tol = 1e-5 * (Math.abs(p.mean) + p.std);
        const n = o.data.length, step = n >= sample.length ? Math.floor(n / sample.length) : 1;
        sample.forEach((v, k) => { if (!(Math.abs((o.data as Float32Array)[k * step] - v) <= tol)) tolBad.push(`${o.name}[${k * step}]`); });
      }
      t.same(bad, [], `seed ${r.seed}: every tensor byte-equal to torch (trunc_normal aside)`);
      t.same(tolBad, [], `seed ${r.seed}: trunc_normal tensors within tolerance on the stored sample`);
      if (truncBad.length) t.same(truncBad, [], `seed ${r.seed}: trunc_normal float32 tensors byte-equal`, { todo: TRUNC_TODO });
      else t.equal(all.digest('hex'), r.all, `seed ${r.seed}: sha256 of the whole state_dict`);

      // same through planRules, and without advance-only marking
      const outs2 = runPlan(planRules(spec, { advanceOverwritten: false }));
      t.ok(outs2.every((o, i) => Buffer.compare(Buffer.from(tensorBytes(o)), Buffer.from(tensorBytes(outs[i]))) === 0), 'planRules gives the same bytes');
    }
  });
}

t.test('the write order matters (apply visits children first)', async (t) => {
  const fx = load('rules_transformer.json');
  const r = fx.results[0];
  const sdOrder = fx.state_dict.map((e) => fx.request.tensors.find((x) => x.name === e.name)!);
  t.notSame(sdOrder.map((x) => x.name), fx.request.tensors.map((x) => x.name), 'state_dict order differs from write order');
  const outs = runPlan(planProgram(rulesToProgram({ ...fx.request, tensors: sdOrder, seed: BigInt(r.seed) } as RulesSpec)));
  const q = outs.find((o) => o.name === 'blocks.0.attn.q_proj.weight')!;
  t.not(sha(tensorBytes(q)), r.tensors[q.name].sha256, 'listing tensors in state_dict order gives other values');
});

t.test('tensors that draw nothing may sit anywhere in the list', async (t) => {
  const fx = load('rules_cnn.json');
  const r = fx.results[0];
  const untouched = fx.request.tensors.filter((x) => !fx.write_order.includes(x.name));
  t.ok(untouched.length > 0, 'BatchNorm buffers are not written by init_fn');
  const moved = [...untouched, ...fx.request.tensors.filter((x) => fx.write_order.includes(x.name))];
  const outs = runPlan(planProgram(rulesToProgram({ ...fx.request, tensors: moved, seed: BigInt(r.seed) } as RulesSpec)));
  t.same(outs.filter((o) => sha(tensorBytes(o)) !== r.tensors[o.name].sha256).map((o) => o.name), [], 'same bytes with the buffers listed first');
});

t.test('fnmatch.fnmatchcase semantics (expected values from CPython 3.11)', async (t) => {
  const cases: [string, string, boolean][] = [
    ['*.weight', 'layer1.0.conv1.weight', true], ['*.weight', 'weight', false], ['*weight', 'weight', true],
    ['layer?.*', 'layer1.0.bn1.bias', true], ['layer?.*', 'layer10.0.bn1.bias', false],
    ['*.bn[0-9].weight', 'layer1.0.bn2.weight', true], ['*.bn[!0-2].weight', 'layer1.0.bn2.weight', false],
    ['*.bn[!0-2].weight', 'layer1.0.bn3.weight', true], ['[]]x', ']x', true], ['[!]]x', 'ax', true], ['[!]]x', ']x', false],
    ['[-a]', '-', true], ['[a-]', '-', true], ['[z-a]', 'z', false], ['[z-a]', '-', false], ['[!z-a]', 'q', true],
    ['[a-c-e]', '-', true], ['[a-c-e]', 'd', false], ['[a-c-e]', 'e', true], ['[', '[', true], ['a[b', 'a[b', true],
    ['[^a]', '^', true], ['[^a]', 'b', false], ['[\\]', '\\', true], ['a.b', 'axb', false], ['a.b', 'a.b', true],
    ['a+b(c)$^{1}|', 'a+b(c)$^{1}|', true], ['?', '😀', true], ['??', '😀', false], ['[😀-😂]', '😁', true],
    ['', '', true], ['', 'a', false], ['*', '', true], ['A*', 'a1', false],
    ['*a*a*a*a*a*a*a*a*b', 'a'.repeat(71), false], ['*.*', 'a\nb.c', true],
    ['[&&]', '&', true], ['[a&&b]', '&', true], ['[~|]', '|', true],
  ];
  for (const [glob, name, want] of cases) t.equal(fnmatchcase(name, glob), want, `fnmatchcase(${JSON.stringify(name)}, ${JSON.stringify(glob)})`);
  const t0 = performance.now();
  t.equal(fnmatchcase('a'.repeat(5000), '*a'.repeat(200) + 'b'), false);
  t.ok(performance.now() - t0 < 2000, 'many stars on a long name stay polynomial');
});

t.test('regex form and flags', async (t) => {
  t.same(regexForm('/bn\\d/i'), ['bn\\d', 'i']);
  t.same(regexForm('//'), ['', '']);
  t.equal(regexForm('/abc/x'), null, 'unknown flag: a glob');
  t.equal(regexForm('abc/'), null);
  t.equal(regexForm('/abc'), null);
  const spec = (match: string, names: string[]): RulesSpec => ({
    seed: 0n, tensors: names.map((name) => ({ name, shape: [2] })), rules: [{ match, scheme: 'ones' }, { match: '*', scheme: 'zeros' }],
  });
  const chosen = (match: string, names: string[]) => rulesToProgram(spec(match, names)).steps.map((s) => s.scheme === 'ones');
  t.same(chosen('/BN/i', ['a.bn.weight', 'a.Bn.x', 'conv']), [true, true, false], 'i flag');
  t.same(chosen('/bn/', ['a.bn.weight', 'a.BN.x']), [true, false], 'case-sensitive without i; unanchored');
  t.same(chosen('/^bn/', ['bn.w', 'x.bn']), [true, false], 'anchors are the pattern\'s own');
  t.same(chosen('/bn/g', ['bn', 'bn', 'bn', 'bn']), [true, true, true, true], 'g keeps no lastIndex between names');
  t.same(chosen('/bn/y', ['bn.w', 'x.bn']), [true, false], 'y: sticky at 0');
  t.same(chosen('/a.b/s', ['a\nb', 'ab']), [true, false], 's flag');
  t.same(chosen('/^b$/m', ['a\nb', 'ab']), [true, false], 'm flag');
  t.same(chosen('/[\\p{L}--[a-z]]/v', ['A', 'a']), [true, false], 'v flag (unicode sets)');
  t.same(chosen('/(?<x>a)\\k<x>/du', ['aa', 'a']), [true, false], 'd and u flags');
  t.same(chosen('/a.b/x', ['/a.b/x', 'axb']), [true, false], 'not a regex: a glob matched literally');
  t.same(regexMatchAll('o', '', ['foo', 'bar'], 5000), '10');
});

t.test('errors', async (t) => {
  const base = { seed: 0n, tensors: [{ name: 'conv.weight', shape: [4, 3, 3, 3] }, { name: 'fc.bias', shape: [4] }] };
  let e = invalid(() => rulesToProgram({ ...base, rules: [{ match: '*.weight', scheme: 'kaiming_normal' }] }));
  t.equal(e.status, 400);
  t.same(e.errors, [{ field: 'tensors[1].name', message: `tensors[1] (fc.bias): no rule matches 'fc.bias' (rules: "*.weight")` }]);
  e = invalid(() => rulesToProgram({ ...base, rules: [{ match: '/(/', scheme: 'zeros' }] }));
  t.equal(e.errors[0].field, 'rules[0].match');
  t.match(e.errors[0].message, /^rules\[0\] \(\/\(\/\): invalid regular expression: /);
  e = invalid(() => rulesToProgram({ ...base, rules: [{ match: '*', scheme: 'zeros' }, { match: 'x', scheme: 'gaussian' }, { match: 'y', scheme: 'normal', params: { sd: 1 } }] }));
  t.same(e.errors.map((x) => x.field), ['rules[1].scheme', 'rules[2].params.sd'], 'rules are checked even when no tensor reaches them');
  t.match(e.errors[0].message, /^rules\[1\] \(x\): unknown scheme 'gaussian'; schemes are uniform, normal/);
  t.match(e.errors[1].message, /^rules\[2\] \(y\): unknown param 'sd' for scheme 'normal'/);
  e = invalid(() => rulesToProgram({ ...base, tensors: [], rules: [{ match: '*', scheme: 'zeros' }] }));
  t.equal(e.errors[0].field, 'tensors');
  e = invalid(() => rulesToProgram({ ...base, rules: [] }));
  t.equal(e.errors[0].field, 'rules');
  e = invalid(() => rulesToProgram({ ...base, rules: [{ match: '*', scheme: 'zeros' }] }, { maxTensors: 1 }));
  t.match(e.errors[0].message, /program has 2 tensors; the limit is 1/);

  // planProgram's own errors, relabelled per tensor
  e = invalid(() => planRules({ seed: 0n, tensors: [{ name: 'a', shape: [2] }, { name: 'n', shape: [], dtype: 'int64' }], rules: [{ match: '*', scheme: 'normal' }] }));
  t.same(e.errors, [{ field: 'tensors[1].dtype', message: "tensors[1] (n): scheme 'normal' does not support dtype int64 (only zeros, ones, constant, data, copy)" }]);
  e = invalid(() => planRules({ seed: 0n, tensors: [{ name: 'a', shape: [-1] }], rules: [{ match: '*', scheme: 'zeros' }] }));
  t.equal(e.errors[0].field, 'tensors[0].shape');
  t.match(e.errors[0].message, /^tensors\[0\] \(a\): shape must be/);
  e = invalid(() => planRules({ seed: 0n, tensors: [{ name: 'a', shape: [2] }], rules: [{ match: '*', scheme: 'zeros' }], state_dict: [{ name: 'b' }] }));
  t.equal(e.status, 422);
  t.equal(e.errors[0].field, 'state_dict[0]');
  // PyTorch's refusals at run time
  const plan = planRules({ seed: 0n, tensors: [{ name: 'w', shape: [3, 3] }, { name: 'b', shape: [3] }], rules: [{ match: '*', scheme: 'kaiming_uniform' }] });
  let te: unknown;
  try { runPlan(plan); } catch (x) { te = relabelRulesError(x); }
  t.type(te, TorchError);
  t.equal((te as TorchError).message, 'tensors[1] (b): Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  t.type(relabelRulesError(e), ProgramInvalid);
  t.equal(rulesLabel('steps[12] (fc.weight): boom'), 'tensors[12] (fc.weight): boom', 'plain text from a worker');
  t.equal(rulesLabel('no label'), 'no label');
  const other = new Error('x');
  t.equal(relabelRulesError(other), other);
  const limit = relabelRulesError(new ProgramInvalid([{ field: 'steps', message: 'program has 9 steps; the limit is 4' }], 400)) as ProgramInvalid;
  t.same(limit.errors, [{ field: 'tensors', message: 'program has 9 tensors; the limit is 4' }]);
});

t.test('a regex that backtracks without end is refused, naming the rule', async (t) => {
  const names = ['conv.weight', 'a'.repeat(32) + '!'];
  const spec: RulesSpec = {
    seed: 0n, tensors: names.map((name) => ({ name, shape: [2, 2] })),
    rules: [{ match: '*.weight', scheme: 'ones' }, { match: '/^(a+)+$/', scheme: 'zeros' }, { match: '*', scheme: 'zeros' }],
  };
  const t0 = performance.now();
  const e = invalid(() => rulesToProgram(spec, { regexBudgetMs: 50 }));
  const ms = performance.now() - t0;
  t.equal(e.status, 400);
  t.equal(e.errors[0].field, 'rules[1].match');
  t.match(e.errors[0].message, /^rules\[1\] \(\/\^\(a\+\)\+\$\/\): regular expression refused: .*50 ms regex budget/);
  t.ok(ms < 1500, `refused after ${ms.toFixed(0)} ms`);
  // the budget is shared by all regex rules of a request: once spent, a regex rule is refused
  const e2 = invalid(() => rulesToProgram({ ...spec, rules: [{ match: '*.weight', scheme: 'ones' }, { match: '/a/', scheme: 'ones' }] }, { regexBudgetMs: 0 }));
  t.equal(e2.errors[0].field, 'rules[1].match');
  t.same(rulesToProgram({ ...spec, rules: [{ match: '*', scheme: 'ones' }, { match: '/a/', scheme: 'ones' }] }, { regexBudgetMs: 0 }).steps.length, 2,
    'a regex rule no tensor reaches is not run');
  t.equal(regexMatchAll('^(a+)+$', '', names, 20), null, 'cut off');
  // a harmless regex on many names stays far inside the default budget
  const many = Array.from({ length: 4096 }, (_, i) => ({ name: `blocks.${i}.mlp.fc${i % 3}.weight`, shape: [1] }));
  const p = rulesToProgram({ seed: 0n, tensors: many, rules: [{ match: '/fc[12]\\.weight$/', scheme: 'ones' }, { match: '*', scheme: 'zeros' }] });
  t.equal(p.steps.filter((s) => s.scheme === 'ones').length, 2730);
});

t.test('program fields', async (t) => {
  const p = rulesToProgram({
    seed: 5n, dtype: 'float64', tensors: [{ name: 'b', shape: [2] }, { name: 'a', shape: [2], dtype: 'float16' }],
    rules: [{ match: 'a', scheme: 'normal', params: { std: 2 } }, { match: '*', scheme: 'uniform' }],
  });
  t.same(p, {
    seed: 5n, dtype: 'float64', steps: [
      { name: 'b', shape: [2], scheme: 'uniform', params: { a: 0, b: 1 } },
      { name: 'a', shape: [2], dtype: 'float16', scheme: 'normal', params: { mean: 0, std: 2 } },
    ],
  }, 'params resolved, dtypes passed through, no state_dict = tensors order');
  const outs = runPlan(planProgram(p));
  t.same(outs.map((o) => [o.name, o.dtype]), [['b', 'float64'], ['a', 'float16']]);
});
