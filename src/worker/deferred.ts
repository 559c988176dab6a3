/**
 * Deferred normal_fill transforms: one program, several threads (model presets).
 *
 * The generator stream is sequential, but a float32 normal_fill block only reads its own 16
 * words. So the thread running the program (the "drawer") only draws the words of each
 * deferrable normal step (core deferrableNormals) into the response body, publishes them, and
 * moves on; the Box–Muller transforms of those words (~3× the cost of drawing them) run on any
 * thread that claims them: a transformer task started beside the drawer, and the drawer itself
 * once its program is done. For resnet50 that is 23.5M of its 25.6M values.
 *
 * Shared control block (an Int32Array over `ctrl`; every publish bumps EPOCH and notifies it):
 *   EPOCH    any change (the main thread and waiting transformers watch it)
 *   STEPS    steps the drawer has finished (outputs whose last step is done are in the body,
 *            but for their deferred transforms)
 *   DRAWN    deferred regions whose words are in the body (regions are drawn in order)
 *   NEXT     the next chunk to claim (Atomics.add)
 *   DONE     chunks transformed
 *   FAILED   the drawer failed or stopped: transformers leave
 *   REGION0+r  chunks of region r transformed
 * followed by 18 float32 per region: M, S, and the 16 values of a ragged tail (written after the
 * region's last full block is transformed, as torch writes them last).
 */
import { fround } from '../core/dtype.js';
import type { PlannedStep } from '../core/program.js';
import type { TorchGenerator } from '../core/rng/mt19937.js';
import { drawNormalWordsF32, transformNormalWordsF32 } from '../core/wasm/kernels.js';

export const EPOCH = 0;
export const STEPS = 1;
export const DRAWN = 2;
export const NEXT = 3;
export const DONE = 4;
export const FAILED = 5;
export const REGION0 = 8;

/** Elements per claimed chunk: a few hundred µs of work, so two threads finish close together. */
export const CHUNK_ELEMENTS = 1 << 17;

export interface DeferSpec {
  ctrl: SharedArrayBuffer;
  /** deferred regions in step order: the step, its byte offset in the body and its size */
  regions: { step: number; offset: number; n: number }[];
}

/** Bytes of the control block for `regions` regions. */
export function ctrlBytes(regions: number): number {
  return 4 * (REGION0 + regions) + 4 * 18 * regions;
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

export function publish(ctrl: Int32Array, index: number, value: number): void {
  Atomics.store(ctrl, index, value);
  bump(ctrl);
}

function bump(ctrl: Int32Array): void {
  Atomics.add(ctrl, EPOCH, 1);
  Atomics.notify(ctrl, EPOCH);
}

/** The drawer's hook (RunOptions.deferNormal): draws a listed step's words and publishes them. */
export function drawer(spec: DeferSpec): (st: PlannedStep, gen: TorchGenerator, out: Float32Array, n: number, mean: number, std: number) => boolean {
  const ctrl = new Int32Array(spec.ctrl);
  const floats = new Float32Array(spec.ctrl, 4 * (REGION0 + spec.regions.length));
  const byStep = new Map(spec.regions.map((r, i) => [r.step, i]));
  return (st, gen, out, n, mean, std) => {
    const r = byStep.get(st.index);
    if (r === undefined || n !== spec.regions[r].n) return false;
    const M = fround(mean), S = fround(std);
    floats[18 * r] = M;
    floats[18 * r + 1] = S;
    drawNormalWordsF32(gen, new Int32Array(out.buffer, out.byteOffset, n), n, M, S, floats.subarray(18 * r + 2, 18 * r + 18));
    publish(ctrl, DRAWN, r + 1);
    return true;
  };
}

/**
 * Claims and transforms chunks until none is left (returns how many it did), or until the
 * drawer failed or `shouldAbort` says stop. A chunk whose region is not drawn yet is waited for.
 */
export function transformChunks(spec: DeferSpec, body: SharedArrayBuffer, shouldAbort: () => boolean): number {
  const ctrl = new Int32Array(spec.ctrl);
  const floats = new Float32Array(spec.ctrl, 4 * (REGION0 + spec.regions.length));
  const chunks = chunkList(spec.regions);
  let did = 0;
  for (;;) {
    if (Atomics.load(ctrl, FAILED) !== 0 || shouldAbort()) return did;
    const c = Atomics.add(ctrl, NEXT, 1);
    if (c >= chunks.length) return did;
    const ch = chunks[c];
    while (Atomics.load(ctrl, DRAWN) <= ch.region) {
      if (Atomics.load(ctrl, FAILED) !== 0 || shouldAbort()) return did;
      const epoch = Atomics.load(ctrl, EPOCH);
      if (Atomics.load(ctrl, DRAWN) <= ch.region) Atomics.wait(ctrl, EPOCH, epoch, 50);
    }
    const reg = spec.regions[ch.region];
    const words = new Int32Array(body, reg.offset, reg.n);
    const out = new Float32Array(body, reg.offset, reg.n);
    const M = floats[18 * ch.region], S = floats[18 * ch.region + 1];
    transformNormalWordsF32(words, out, ch.from, ch.to, M, S);
    const full = reg.n - (reg.n % 16);
    if (ch.to === full && full !== reg.n) out.set(floats.subarray(18 * ch.region + 2, 18 * ch.region + 18), reg.n - 16);
    Atomics.add(ctrl, REGION0 + ch.region, 1);
    Atomics.add(ctrl, DONE, 1);
    bump(ctrl);
    did++;
  }
}
