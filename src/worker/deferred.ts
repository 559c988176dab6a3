/**
 * Deferred normal_fill work: one program, several threads (model presets).
 *
 * The generator stream is sequential, but a float32 normal_fill block only reads its own 16
 * words. So the thread running the program (the "drawer") only gets the words of a deferrable
 * normal step (core deferrableNormals) and moves on; the Box–Muller transforms (~3× the cost)
 * run on whichever thread claims a chunk of the step: a transformer task started beside the
 * drawer, and the drawer itself once its program is done. For resnet50 that is 23.5M of its
 * 25.6M values. Two ways to get the words:
 *  - in place (the body is a shared WebAssembly.Memory, `spec.memory`, and the fused kernels
 *    are on): the drawer fills the words straight into the body (src/core/wasm/inplace.wat) and
 *    claimers transform them where they lie — no copy at all;
 *  - otherwise the drawer saves the generator's position at each chunk's start and skips the
 *    words (twists only); a claimer draws its chunk from the saved position and transforms it
 *    into the body through the engine's buffer.
 *
 * Shared control block (an Int32Array over `ctrl`; every publish bumps EPOCH, see publish):
 *   EPOCH    any change (the main thread and waiting transformers watch it)
 *   STEPS    steps the drawer has finished (outputs whose last step is done are in the body,
 *            but for their deferred chunks)
 *   DRAWN    deferred regions drawn: words in place, or chunk positions saved (in order)
 *   NEXT     the next chunk to claim (Atomics.add)
 *   DONE     chunks written
 *   FAILED   the drawer failed or stopped: transformers leave
 *   WAITING  transformers blocked waiting for a region (only then does the drawer wake them)
 *   REGION0+r  chunks of region r written
 * then 18 float32 per region (M, S, and the 16 values of a ragged tail, written after the
 * region's last full block, as torch writes them last), then a saved generator position
 * (TorchGenerator.SAVED_WORDS int32) per chunk.
 */
import { fround } from '../core/dtype.js';
import type { PlannedStep } from '../core/program.js';
import { TorchGenerator } from '../core/rng/mt19937.js';
import { normalF32Wasm } from '../core/wasm/kernels.js';
import { ENGINE, FUSED_SWITCH, decodeBase64 } from '../core/wasm/engine.js';
import { INPLACE_WASM_BASE64 } from '../core/wasm/inplace-wasm.js';

export const EPOCH = 0;
export const STEPS = 1;
export const DRAWN = 2;
export const NEXT = 3;
export const DONE = 4;
export const FAILED = 5;
export const WAITING = 6;
export const REGION0 = 8;

/** Elements per claimed chunk: a few hundred µs of work, so two threads finish close together. */
export const CHUNK_ELEMENTS = 1 << 17;

export interface DeferSpec {
  ctrl: SharedArrayBuffer;
  /** deferred regions in step order: the step, its byte offset in the body and its size */
  regions: { step: number; offset: number; n: number }[];
  /**
   * The body as a shared WebAssembly.Memory, with a 64 KiB scratch page at `scratch`: then
   * the drawer fills each region's words in place and claimers transform them in place
   * (src/core/wasm/inplace.wat), with no copy at all. Without it: saved positions (above).
   */
  memory?: WebAssembly.Memory;
  scratch?: number;
}

let inplaceModule: WebAssembly.Module | null = null;

interface InPlace {
  fill_words(st: number, dst: number, n: number): void;
  normal_words(dst: number, n: number, mean: number, std: number): void;
}

/** The in-place kernels on the spec's memory, or null (no memory, or no fused kernels here). */
function inPlace(spec: DeferSpec): InPlace | null {
  if (!spec.memory || spec.scratch === undefined || !ENGINE?.fused || !FUSED_SWITCH.on) return null;
  inplaceModule ??= new WebAssembly.Module(decodeBase64(INPLACE_WASM_BASE64) as Uint8Array<ArrayBuffer>);
  return new WebAssembly.Instance(inplaceModule, { k: { mem: spec.memory, base: spec.scratch } }).exports as unknown as InPlace;
}

const SAVED = TorchGenerator.SAVED_WORDS;

/** Bytes of the control block for these regions. */
export function ctrlBytes(regions: DeferSpec['regions']): number {
  return 4 * (REGION0 + regions.length) + 4 * 18 * regions.length + 4 * SAVED * chunkList(regions).length;
}

/** Views of a control block: the int32 counters, the per-region floats, the saved positions. */
function views(spec: DeferSpec): { ctrl: Int32Array; floats: Float32Array; saved: Int32Array } {
  const R = spec.regions.length;
  const floatsAt = 4 * (REGION0 + R);
  return {
    ctrl: new Int32Array(spec.ctrl, 0, REGION0 + R),
    floats: new Float32Array(spec.ctrl, floatsAt, 18 * R),
    saved: new Int32Array(spec.ctrl, floatsAt + 4 * 18 * R),
  };
}

export interface Chunk { region: number; from: number; to: number }

/** The chunks of every region's full blocks, in region order (the claim order). */
export function chunkList(regions: DeferSpec['regions']): Chunk[] {
  const out: Chunk[] = [];
  regions.forEach((r, i) => {
    const full = r.n - (r.n % 16);
    for (let from = 0; from < full; from += CHUNK_ELEMENTS) out.push({ region: i, from, to: Math.min(full, from + CHUNK_ELEMENTS) });
  });
  return out;
}

/** Chunks per region. */
export function chunksPerRegion(regions: DeferSpec['regions']): number[] {
  return regions.map((r) => Math.ceil((r.n - (r.n % 16)) / CHUNK_ELEMENTS));
}

/**
 * Stores a value and moves EPOCH. Nobody is woken for progress: the main thread looks at EPOCH
 * every 2 ms (live-body.ts), and a wake-up is a futex call plus, on a VM, an interrupt to the
 * other CPU — hundreds per request cost ~10 ms of CPU per thread here. Only `urgent` events (a
 * region drawn, a failure) wake a transformer, and only one that said it is waiting (WAITING).
 */
export function publish(ctrl: Int32Array, index: number, value: number, urgent = false): void {
  Atomics.store(ctrl, index, value);
  bump(ctrl, urgent);
}

function bump(ctrl: Int32Array, urgent: boolean): void {
  Atomics.add(ctrl, EPOCH, 1);
  if (urgent && Atomics.load(ctrl, WAITING) !== 0) Atomics.notify(ctrl, EPOCH);
}

/**
 * The drawer's hook (RunOptions.deferNormal): for a listed step, fills its words into the body
 * (in place) or saves the generator position at each chunk's start and skips the words; computes
 * a ragged tail at once (16 values); publishes the region.
 */
export function drawer(spec: DeferSpec): (st: PlannedStep, gen: TorchGenerator, out: Float32Array, n: number, mean: number, std: number) => boolean {
  const { ctrl, floats, saved } = views(spec);
  const byStep = new Map(spec.regions.map((r, i) => [r.step, i]));
  const chunks = chunkList(spec.regions);
  const firstChunk = spec.regions.map((_, r) => chunks.findIndex((c) => c.region === r));
  const ip = inPlace(spec);
  const slot = (spec.scratch ?? 0) + 4096; // the drawer's generator slot in the scratch page
  const mem = spec.memory ? new Int32Array(spec.memory.buffer) : null;
  const pos = new Int32Array(SAVED);
  return (step, gen, _out, n, mean, std) => {
    const r = byStep.get(step.index);
    if (r === undefined || n !== spec.regions[r].n) return false;
    const M = fround(mean), S = fround(std);
    floats[18 * r] = M;
    floats[18 * r + 1] = S;
    const full = n - (n % 16);
    if (ip && mem) {
      // the words go straight into the body; the generator goes through the scratch slot
      const w = slot >> 2;
      gen.saveState(pos, 0);
      mem.set(pos.subarray(0, 624), w);
      mem[w + 628] = pos[624]; // left, next (kernels.wat's layout)
      mem[w + 629] = pos[625];
      ip.fill_words(slot, spec.regions[r].offset, full);
      pos.set(mem.subarray(w, w + 624));
      pos[624] = mem[w + 628];
      pos[625] = mem[w + 629];
      gen.restoreState(pos, 0);
    } else {
      for (let c = firstChunk[r]; c < chunks.length && chunks[c].region === r; c++) {
        gen.saveState(saved, SAVED * c);
        gen.skip(chunks[c].to - chunks[c].from);
      }
    }
    if (full !== n) {
      gen.skip(n - full); // the tail's first draws, overwritten in torch
      normalF32Wasm(gen, floats.subarray(18 * r + 2, 18 * r + 18), 16, M, S); // 16 fresh words, one block
    }
    publish(ctrl, DRAWN, r + 1, true);
    return true;
  };
}

/**
 * Claims chunks until none is left (returns how many it did), or until the drawer failed or
 * `shouldAbort` says stop; a chunk whose region is not drawn yet is waited for. A chunk is
 * transformed in place, or drawn from its saved position and transformed into the body.
 */
export function transformChunks(spec: DeferSpec, body: SharedArrayBuffer, shouldAbort: () => boolean): number {
  const { ctrl, floats, saved } = views(spec);
  const chunks = chunkList(spec.regions);
  const ip = inPlace(spec);
  let did = 0;
  for (;;) {
    if (Atomics.load(ctrl, FAILED) !== 0 || shouldAbort()) return did;
    const c = Atomics.add(ctrl, NEXT, 1);
    if (c >= chunks.length) return did;
    const ch = chunks[c];
    while (Atomics.load(ctrl, DRAWN) <= ch.region) {
      if (Atomics.load(ctrl, FAILED) !== 0 || shouldAbort()) return did;
      Atomics.add(ctrl, WAITING, 1);
      const epoch = Atomics.load(ctrl, EPOCH);
      // the drawer bumps EPOCH before it checks WAITING: no wake-up is lost (and the wait times out)
      if (Atomics.load(ctrl, DRAWN) <= ch.region) Atomics.wait(ctrl, EPOCH, epoch, 20);
      Atomics.sub(ctrl, WAITING, 1);
    }
    const reg = spec.regions[ch.region];
    const out = new Float32Array(body, reg.offset, reg.n);
    const M = floats[18 * ch.region], S = floats[18 * ch.region + 1];
    if (ip) ip.normal_words(reg.offset + 4 * ch.from, ch.to - ch.from, M, S); // the words are in place
    else normalF32Wasm(TorchGenerator.loadState(saved, SAVED * c), out.subarray(ch.from, ch.to), ch.to - ch.from, M, S);
    const full = reg.n - (reg.n % 16);
    if (ch.to === full && full !== reg.n) out.set(floats.subarray(18 * ch.region + 2, 18 * ch.region + 18), reg.n - 16);
    Atomics.add(ctrl, REGION0 + ch.region, 1);
    Atomics.add(ctrl, DONE, 1);
    bump(ctrl, false);
    did++;
  }
}
