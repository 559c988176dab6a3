/**
 * torch's CPU generator (at::CPUGeneratorImpl over at::mt19937), torch-parity §2.
 *
 * manual_seed(s) uses s mod 2^32 for the engine state and clears the cached Box–Muller
 * sample. One word: `if (--left == 0) regenerate; temper(state[next++])`.
 */
import { ENGINE, BUF_OFFSET, CHUNK, STATE_OFFSET, LEFT_INDEX, NEXT_INDEX, TWISTED_INDEX, copyOut, decodeBase64, type Engine, type KernelExports } from '../wasm/engine.js';
import { JUMP_POLYS_BASE64, JUMP_TABLE, JUMP_UNIT_WORDS } from '../data/mt-jumps.js';

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;

/** The uint64 torch keeps for a seed in [-2^63, 2^64-1] (negative: two's complement). */
export function canonicalSeed(seed: bigint): bigint {
  if (seed < -(1n << 63n) || seed > (1n << 64n) - 1n) throw new RangeError('Overflow when unpacking long');
  return seed < 0n ? seed + (1n << 64n) : seed;
}

// int32 views of the unsigned constants: V8 keeps the whole twist/temper in int32 registers.
const UPPER = 0x80000000 | 0;
const MAT_A = MATRIX_A | 0;
const TEMPER_B = 0x9d2c5680 | 0;
const TEMPER_C = 0xefc60000 | 0;

/** Below this many words fillU32 stays in JS (the engine call copies 2.5 KB of state in). */
const WASM_MIN_WORDS = 128;

const SKIP_BULK = 4096;
/** Jump at least this many units: a jump costs ~0.85 ms, twisting through a unit ~0.3 ms. */
const JUMP_MIN_UNITS = 3;
/** Where a jump polynomial goes in the engine's memory (inside its output buffer). */
const JUMP_POLY_OFFSET = 8192;

let jumpPolys: Uint32Array | null = null;

/** Polynomial m (1..JUMP_TABLE) of src/core/data/mt-jumps.ts: x^(m·JUMP_UNIT_WORDS) mod φ. */
export function jumpPolynomial(m: number): Uint32Array {
  if (jumpPolys === null) {
    const b = decodeBase64(JUMP_POLYS_BASE64);
    jumpPolys = new Uint32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
  }
  return jumpPolys.subarray(N * (m - 1), N * m);
}

export class TorchGenerator {
  readonly initialSeed: bigint;
  /** state words as int32 (the bits of the uint32 state) */
  private readonly state = new Int32Array(N);
  private left = 1;
  private next = 0;
  /** words skipped but not yet applied (skip is lazy; flush applies them) */
  private pending = 0;
  /** Box–Muller cache of at::normal_distribution<double> (the sin half), §2.3. */
  nextDoubleNormal: number | null = null;

  constructor(seed: bigint) {
    this.initialSeed = canonicalSeed(seed);
    let x = Number(this.initialSeed & 0xffffffffn) | 0;
    const st = this.state;
    st[0] = x;
    for (let j = 1; j < N; j++) {
      x = (Math.imul(1812433253, x ^ (x >>> 30)) + j) | 0;
      st[j] = x;
    }
  }

  /** Words of a saved stream position (saveState/loadState): the 624 state words, left, next. */
  static readonly SAVED_WORDS = N + 2;

  /**
   * Saves the stream position (not the Box–Muller cache) into out[at, at + SAVED_WORDS), so
   * another thread can go on from here (deferred transforms draw their own words).
   */
  saveState(out: Int32Array, at: number): void {
    this.flush();
    out.set(this.state, at);
    out[at + N] = this.left;
    out[at + N + 1] = this.next;
  }

  /** Moves this generator to a position saveState wrote (its Box–Muller cache untouched). */
  restoreState(src: Int32Array, at: number): void {
    this.pending = 0;
    this.state.set(src.subarray(at, at + N));
    this.left = src[at + N];
    this.next = src[at + N + 1];
  }

  /** A generator at a position saveState wrote (its Box–Muller cache empty). */
  static loadState(src: Int32Array, at: number): TorchGenerator {
    const g = new TorchGenerator(0n);
    g.state.set(src.subarray(at, at + N));
    g.left = src[at + N];
    g.next = src[at + N + 1];
    return g;
  }

  private twist(): void {
    const st = this.state;
    let kk = 0;
    let y = 0;
    for (; kk < N - M; kk++) {
      y = (st[kk] & UPPER) | (st[kk + 1] & 0x7fffffff);
      st[kk] = st[kk + M] ^ (y >>> 1) ^ (-(y & 1) & MAT_A);
    }
    for (; kk < N - 1; kk++) {
      y = (st[kk] & UPPER) | (st[kk + 1] & 0x7fffffff);
      st[kk] = st[kk + (M - N)] ^ (y >>> 1) ^ (-(y & 1) & MAT_A);
    }
    y = (st[N - 1] & UPPER) | (st[0] & 0x7fffffff);
    st[N - 1] = st[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MAT_A);
    this.left = N;
    this.next = 0;
  }

  /** One tempered 32-bit word (uint32). */
  nextU32(): number {
    if (this.pending !== 0) this.flush();
    if (--this.left === 0) this.twist();
    let y = this.state[this.next++];
    y ^= y >>> 11;
    y ^= (y << 7) & TEMPER_B;
    y ^= (y << 15) & TEMPER_C;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * Fill out[start..start+n) with successive words (as int32 bit patterns in an Int32Array,
   * or uint32 in a Uint32Array); the same stream as n calls of nextU32. Long runs use the
   * WebAssembly engine (the same words and final state as fillU32Js).
   */
  fillU32(out: Int32Array | Uint32Array, n = out.length, start = 0): void {
    const e = ENGINE;
    if (e === null || n < WASM_MIN_WORDS) return this.fillU32Js(out, n, start);
    this.inEngine(e, (ex) => {
      for (let pos = 0; pos < n; pos += CHUNK) {
        const m = Math.min(CHUNK, n - pos);
        ex.fill_words(BUF_OFFSET, m);
        if (out instanceof Int32Array) copyOut(e.i32, out, start + pos, m);
        else copyOut(e.u32, out, start + pos, m);
      }
    });
  }

  /**
   * Run `fn` with this generator's stream loaded into the WebAssembly engine: the state words,
   * `left` and `next` are copied in; afterwards `left`/`next` are read back and the words too
   * if the engine regenerated them. Only fn's engine calls may draw words meanwhile.
   */
  inEngine<T>(e: Engine, fn: (ex: KernelExports) => T): T {
    this.flush();
    const w = e.i32;
    w.set(this.state, STATE_OFFSET >> 2);
    w[LEFT_INDEX] = this.left;
    w[NEXT_INDEX] = this.next;
    w[TWISTED_INDEX] = 0;
    try {
      return fn(e.ex);
    } finally {
      this.left = w[LEFT_INDEX];
      this.next = w[NEXT_INDEX];
      if (w[TWISTED_INDEX] !== 0) this.state.set(w.subarray(STATE_OFFSET >> 2, (STATE_OFFSET >> 2) + N));
    }
  }

  /** fillU32 in plain JS (the reference for the engine's word stream). */
  fillU32Js(out: Int32Array | Uint32Array, n = out.length, start = 0): void {
    this.flush();
    const st = this.state;
    let pos = start;
    const stop = start + n;
    while (pos < stop) {
      if (this.left === 1) {
        this.twist();
        this.left = N + 1;
      }
      const take = Math.min(this.left - 1, stop - pos);
      let nx = this.next;
      const end = pos + take;
      for (let i = pos; i < end; i++) {
        let y = st[nx++];
        y ^= y >>> 11;
        y ^= (y << 7) & TEMPER_B;
        y ^= (y << 15) & TEMPER_C;
        y ^= y >>> 18;
        out[i] = y;
      }
      this.next = nx;
      this.left -= take;
      pos = end;
    }
  }

  /**
   * Advance by n words without producing them (a step whose values are overwritten later).
   * Lazy: consecutive skips add up and are applied before the next draw, so a model's run of
   * overwritten default inits (23.5M words for resnet50) can take one jump.
   */
  skip(n: number): void {
    this.pending += n;
  }

  /** Applies the skips not applied yet (before anything reads the state). */
  private flush(): void {
    const n = this.pending;
    if (n === 0) return;
    this.pending = 0;
    this.applySkip(n);
  }

  private applySkip(n: number): void {
    // long skips: the WASM engine only twists (no tempering, no stores), ~10× faster than the
    // JS twist below
    const e = ENGINE;
    if (e !== null && n >= SKIP_BULK) {
      let rest = n;
      this.inEngine(e, (ex) => {
        // Very long skips jump (tools/gen-mt-jumps.mjs): ~0.85 ms for any multiple of
        // JUMP_UNIT_WORDS (1.28M words, ~0.3 ms of twisting) up to JUMP_TABLE of them. A jump
        // needs a twisted block at its end: finish this block and one more by twisting, then jump
        // whole units, then twist the rest. The same state as twisting all the way (tested).
        const toBlockEnd = this.left - 1;
        if (rest >= toBlockEnd + N + JUMP_MIN_UNITS * JUMP_UNIT_WORDS) {
          ex.skip_words(toBlockEnd + N);
          rest -= toBlockEnd + N;
          while (rest >= JUMP_MIN_UNITS * JUMP_UNIT_WORDS) {
            const m = Math.min(JUMP_TABLE, Math.floor(rest / JUMP_UNIT_WORDS));
            e.u32.set(jumpPolynomial(m), JUMP_POLY_OFFSET >> 2);
            ex.jump_state(JUMP_POLY_OFFSET);
            rest -= m * JUMP_UNIT_WORDS;
          }
        }
        for (let done = 0; done < rest; done += 2 ** 30) ex.skip_words(Math.min(2 ** 30, rest - done)); // i32 counts
      });
      return;
    }
    while (n > 0) {
      if (this.left === 1) {
        this.twist();
        this.left = N + 1;
      }
      const take = Math.min(this.left - 1, n);
      this.next += take;
      this.left -= take;
      n -= take;
    }
  }

  /** random64(): two words, the first is the high half; returned as its low 53 bits / 2^53. */
  nextUniform53(): number {
    const hi = this.nextU32();
    const lo = this.nextU32();
    return ((hi & 0x1fffff) * 4294967296 + lo) * 1.1102230246251565e-16;
  }
}
