/**
 * A preset's generation alone, as the service runs it but without HTTP: this thread is the
 * drawer (worker/job.ts runJob with deferred normal chunks, into a shared body) and one worker
 * thread the transformer beside it (runTransformJob). Used by http-models.mjs to split the
 * resnet50 figure into generation and transfer.
 */
import '../dist/src/v8-flags.js'; // first: the fused kernels, as in the service
import { Worker } from 'node:worker_threads';
import { planProgram, deferrableNormals } from '../dist/src/core/program.js';
import { presetProgram } from '../dist/src/core/presets/index.js';
import { runJob } from '../dist/src/worker/job.js';
import { ctrlBytes } from '../dist/src/worker/deferred.js';
import { bodyLayout } from '../dist/src/service/slabs.js';

const TRANSFORMER = `
  const { parentPort } = await import('node:worker_threads');
  await import(${JSON.stringify(new URL('../dist/src/v8-flags.js', import.meta.url).href)});
  const { runTransformJob } = await import(${JSON.stringify(new URL('../dist/src/worker/job.js', import.meta.url).href)});
  parentPort.on('message', (m) => parentPort.postMessage(runTransformJob(m, () => false)));
  parentPort.postMessage('ready');
`;

/** Median wall time (seconds) of `runs` generations of the preset at distinct seeds (after one warm-up). */
export async function generationSeconds(model, runs = 7) {
  const worker = new Worker(TRANSFORMER, { eval: true, type: 'module' });
  try {
    await new Promise((r) => worker.once('message', r));
    let memory = null;
    const times = [];
    for (let i = 0; i <= runs; i++) {
      const plan = planProgram(presetProgram(model, BigInt(700000 + i), {}));
      const layout = bodyLayout('safetensors', plan.outputs, {});
      // the body as the service allocates it: a shared wasm memory (+ a scratch page), reused
      memory ??= new WebAssembly.Memory({ initial: Math.ceil(layout.total / 65536) + 1, maximum: Math.ceil(layout.total / 65536) + 1, shared: true });
      const body = memory.buffer;
      const picked = deferrableNormals(plan, (nm) => layout.offsets[nm] % 4 === 0, 1 << 16);
      const regions = picked.map((d) => ({ step: d.step, offset: layout.offsets[d.name], n: d.n }));
      const ctrl = new SharedArrayBuffer(ctrlBytes(regions));
      const defer = { ctrl, regions, memory, scratch: memory.buffer.byteLength - 65536 };
      const t0 = performance.now();
      const transformed = new Promise((r) => worker.once('message', r));
      worker.postMessage({ defer, body });
      const res = runJob({ plan, format: 'safetensors', placement: { sab: body, offsets: layout.offsets }, progress: ctrl, defer }, () => false);
      await transformed;
      if (!res.ok) throw new Error(`generation failed: ${res.message}`);
      if (i > 0) times.push((performance.now() - t0) / 1000);
    }
    times.sort((a, b) => a - b);
    return times[times.length >> 1];
  } finally {
    await worker.terminate();
  }
}
