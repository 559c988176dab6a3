// Deferred normal transforms (src/worker/deferred.ts): which steps qualify, and that drawing the
// words in one pass and transforming them afterwards gives the bytes of the plain run, ragged
// tails, views, copies, overwritten steps and unaligned neighbours included.
import t from 'tap';
import { planProgram, deferrableNormals, type ProgramSpec } from '../../src/core/program.js';
import { runJob } from '../../src/worker/job.js';
import { ctrlBytes, chunkList, CHUNK_ELEMENTS, DONE, STEPS, DRAWN } from '../../src/worker/deferred.js';
import { bodyLayout } from '../../src/service/slabs.js';
import { ENGINE } from '../../src/core/wasm/engine.js';
import { readFileSync } from 'node:fs';

const spec: ProgramSpec = {
  seed: 77n,
  steps: [
    { name: 'h', shape: [3], dtype: 'float16', scheme: 'normal' }, // misaligns what follows
    { name: 'odd', shape: [70001], scheme: 'normal', params: { mean: 0.5, std: 2 } }, // unaligned → not placed
    { name: 'h2', shape: [1], dtype: 'float16', scheme: 'ones' }, // realigns the rest (6 + 280004 + 2 bytes)
    { name: 'w', shape: [300, 301], scheme: 'kaiming_uniform' }, // overwritten below: advance-only
    { name: 'w', shape: [300, 301], scheme: 'kaiming_normal', params: { mode: 'fan_out', nonlinearity: 'relu' } }, // ragged: 90300 % 16 = 4
    { name: 'v', shape: [512, 512], scheme: 'xavier_normal' }, // later written through a view: not deferred
    { name: 'v', shape: [4], scheme: 'zeros', view: { offset: 10, shape: [4], stride: [1] } },
    { name: 'c', shape: [256, 512], scheme: 'normal' }, // copied later: not deferred
    { name: 'd', shape: [256, 512], scheme: 'copy', params: { from: 'c' } },
    { name: 'small', shape: [1000], scheme: 'normal' }, // below the size threshold
    { name: 'big', shape: [3 * CHUNK_ELEMENTS + 48], scheme: 'normal', params: { mean: -1, std: 0.02 } }, // several chunks
    { name: 'tail', shape: [65541], scheme: 'normal' }, // one chunk, ragged
  ],
};

t.test('deferrableNormals picks the last, unread, placed float32 normal steps', async (t) => {
  const plan = planProgram(spec);
  const layout = bodyLayout('safetensors', plan.outputs)!;
  const picked = deferrableNormals(plan, (nm) => layout.offsets[nm] % 4 === 0, 1 << 16);
  t.same(picked.map((d) => d.name), ['w', 'big', 'tail']);
  t.equal(picked[0].step, 4, 'the kaiming_normal step, not the overwritten kaiming_uniform');
  t.ok(layout.offsets.odd % 4 !== 0, 'odd sits unaligned behind the float16 tensor');
  t.equal(layout.offsets.w % 4, 0, 'w is aligned again');
});

t.test('drawing, then transforming chunk by chunk equals the plain run', async (t) => {
  const plan = planProgram(spec);
  const layout = bodyLayout('safetensors', plan.outputs)!;
  const plain = new SharedArrayBuffer(layout.total);
  t.same(runJob({ plan, format: 'safetensors', placement: { sab: plain, offsets: layout.offsets } }), { ok: true, placed: true });
  const picked = deferrableNormals(plan, (nm) => layout.offsets[nm] % 4 === 0, 1 << 16);
  const regions = picked.map((d) => ({ step: d.step, offset: layout.offsets[d.name], n: d.n }));
  const ctrl = new SharedArrayBuffer(ctrlBytes(regions));
  const body = new SharedArrayBuffer(layout.total);
  // one thread: the drawer runs the program, then transforms every chunk itself
  t.same(runJob({ plan, format: 'safetensors', placement: { sab: body, offsets: layout.offsets }, progress: ctrl, defer: { ctrl, regions } }), { ok: true, placed: true });
  const c = new Int32Array(ctrl);
  t.equal(c[STEPS], plan.steps.length, 'every step published');
  t.equal(c[DRAWN], regions.length, 'every region drawn');
  t.equal(c[DONE], chunkList(regions).length, 'every chunk transformed');
  t.equal(regions.length, 3);
  t.ok(Buffer.from(new Uint8Array(body)).equals(Buffer.from(new Uint8Array(plain))), 'bytes equal');
});

t.test('chunks cover each region’s full blocks exactly, in order', async (t) => {
  const regions = [{ step: 0, offset: 0, n: 3 * CHUNK_ELEMENTS + 50 }, { step: 1, offset: 0, n: 16 }];
  const ch = chunkList(regions);
  t.same(ch.map((c) => [c.region, c.from, c.to]), [
    [0, 0, CHUNK_ELEMENTS], [0, CHUNK_ELEMENTS, 2 * CHUNK_ELEMENTS], [0, 2 * CHUNK_ELEMENTS, 3 * CHUNK_ELEMENTS], [0, 3 * CHUNK_ELEMENTS, 3 * CHUNK_ELEMENTS + 48], [1, 0, 16],
  ]);
});

t.test('in place on a shared wasm memory body (fill and transform where the words lie) equals the plain run', { skip: ENGINE?.fused ? false : 'no fused kernels on this host' }, async (t) => {
  const plan = planProgram(spec);
  const layout = bodyLayout('safetensors', plan.outputs)!;
  const plain = new SharedArrayBuffer(layout.total);
  runJob({ plan, format: 'safetensors', placement: { sab: plain, offsets: layout.offsets } });
  const picked = deferrableNormals(plan, (nm) => layout.offsets[nm] % 4 === 0, 1 << 16);
  const regions = picked.map((d) => ({ step: d.step, offset: layout.offsets[d.name], n: d.n }));
  const pages = Math.ceil(layout.total / 65536) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const body = memory.buffer as unknown as SharedArrayBuffer;
  const ctrl = new SharedArrayBuffer(ctrlBytes(regions));
  const res = runJob({ plan, format: 'safetensors', placement: { sab: body, offsets: layout.offsets }, progress: ctrl, defer: { ctrl, regions, memory, scratch: (pages - 1) * 65536 } });
  t.same(res, { ok: true, placed: true });
  t.equal(new Int32Array(ctrl)[DONE], chunkList(regions).length, 'every chunk transformed');
  t.ok(Buffer.from(new Uint8Array(body, 0, layout.total)).equals(Buffer.from(new Uint8Array(plain))), 'bytes equal');
});

t.test('inplace.wat and inplace-wasm.ts are what tools/build-wasm.mjs derives from kernels.wat and fused.wat', async (t) => {
  const build = (await import('../../tools/build-wasm.mjs' as string)) as { MODULES: { out: string; wat: string; constName: string }[]; moduleSource(m: unknown): Promise<string>; derivedInplaceWat(): string };
  const m = build.MODULES.find((x) => x.constName === 'INPLACE_WASM_BASE64')!;
  t.equal(readFileSync(m.wat, 'utf8'), build.derivedInplaceWat(), 'inplace.wat: run node tools/build-wasm.mjs');
  t.equal(readFileSync(m.out, 'utf8'), await build.moduleSource(m), 'inplace-wasm.ts: run node tools/build-wasm.mjs');
});
