// MT19937 jump-ahead (tools/gen-mt-jumps.mjs, kernels.wat jump_state, TorchGenerator.skip):
// a long skip that jumps leaves exactly the state that twisting all the way leaves, from any
// place in a block; consecutive skips add up lazily; every committed polynomial is right.
import t from 'tap';
import { TorchGenerator, jumpPolynomial } from '../../src/core/rng/mt19937.js';
import { ENGINE } from '../../src/core/wasm/engine.js';
import { JUMP_UNIT_WORDS, JUMP_TABLE } from '../../src/core/data/mt-jumps.js';
import { prng } from '../helpers/prng.js';

/** The reference: a generator advanced word by word in blocks of at most 100k draws. */
function stepped(seed: bigint, pre: number, n: number): TorchGenerator {
  const g = new TorchGenerator(seed);
  const buf = new Uint32Array(100_000);
  for (const count of [pre, n]) {
    for (let done = 0; done < count; done += buf.length) g.fillU32Js(buf, Math.min(buf.length, count - done));
  }
  return g;
}

const state = (g: TorchGenerator) => {
  const s = new Int32Array(TorchGenerator.SAVED_WORDS);
  g.saveState(s, 0);
  return Buffer.from(s.buffer);
};

t.test('skips that jump equal stepping, from anywhere in a block', async (t) => {
  const rnd = prng(31);
  const cases: Array<[number, number]> = [
    [0, 3 * JUMP_UNIT_WORDS + 624], // a fresh generator (never twisted): the first real twist comes first
    [1, 4 * JUMP_UNIT_WORDS],
    [623, 7 * JUMP_UNIT_WORDS + 12345],
    [624, 18 * JUMP_UNIT_WORDS + 999_999], // about resnet50's run of default inits
    [Math.floor(rnd() * 5000), (JUMP_TABLE + 3) * JUMP_UNIT_WORDS + Math.floor(rnd() * 1e6)], // two jumps
  ];
  for (const [pre, n] of cases) {
    const seed = BigInt(Math.floor(rnd() * 2 ** 32));
    const g = new TorchGenerator(seed);
    g.skip(pre);
    g.skip(n);
    const want = stepped(seed, pre, n);
    t.ok(state(g).equals(state(want)), `pre ${pre}, skip ${n}: same state`);
    t.equal(g.nextU32(), want.nextU32(), 'same next word');
  }
});

t.test('consecutive skips add up before the next draw (lazy)', async (t) => {
  const a = new TorchGenerator(7n), b = new TorchGenerator(7n);
  for (let i = 0; i < 10; i++) a.skip(500_000);
  b.skip(5_000_000);
  const words = (g: TorchGenerator) => Array.from({ length: 5 }, () => g.nextU32());
  const wa = words(a);
  t.same(wa, words(b));
  t.same(wa, words(stepped(7n, 0, 5_000_000)), 'and equal stepping');
});

t.test('every committed polynomial m is m jumps of polynomial 1 (and 1 is 2048 twists)', async (t) => {
  // (tools/gen-mt-jumps.mjs --check regenerates the file itself; ~3 s)
  const E = ENGINE!;
  const at = 8192;
  const start = stepped(99n, 624, 0); // a twisted block at its end
  const s0 = new Int32Array(TorchGenerator.SAVED_WORDS);
  start.saveState(s0, 0);
  const jump = (state: Int32Array, m: number) => {
    E.i32.set(state.subarray(0, 624), 0);
    E.u32.set(jumpPolynomial(m), at >> 2);
    E.ex.jump_state(at);
    return E.i32.slice(0, 624);
  };
  const one = jump(s0, 1);
  const ref = stepped(99n, 624, JUMP_UNIT_WORDS);
  const r = new Int32Array(TorchGenerator.SAVED_WORDS);
  ref.saveState(r, 0);
  t.ok(Buffer.from(one.buffer).equals(Buffer.from(r.buffer, 0, 4 * 624)), 'polynomial 1 = 2048 twists');
  let cur = one;
  let bad = 0;
  for (let m = 2; m <= JUMP_TABLE; m++) {
    cur = jump(cur, 1);
    if (!Buffer.from(jump(s0, m).buffer).equals(Buffer.from(cur.buffer))) bad++;
  }
  t.equal(bad, 0, `polynomials 2..${JUMP_TABLE}`);
});
