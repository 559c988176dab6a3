#!/usr/bin/env node
// ns/element of the float32 JSON token writers on one core: the JS `writeFloat32` loop (the
// previous rowF32 of json.ts) against the WebAssembly writer (fmt32-wasm.ts, copies in and out
// included), and the whole encodeJsonData of a 1-D tensor (which now uses the WebAssembly
// writer), on 1M uniform [0,1) and 1M normal(0, 0.02) float32 values, comma-separated. Also
// counts the elements the WebAssembly writer leaves to the JS one. Needs `npm run build`.
// The writers run alternately and min / median are printed: on a shared host the WebAssembly
// writer (high IPC) slows down more than the JS one (branchy) while a neighbour is busy.
//
//   node tools/bench-fmt32.mjs [--n 1048576] [--reps 21] [--normal-first]
import { writeFloat32 } from '../dist/src/core/encode/floatfmt.js';
import { fmt32, rowF32Wasm } from '../dist/src/core/encode/fmt32-wasm.js';
import { encodeJsonData } from '../dist/src/core/encode/json.js';
import { initTensor } from '../dist/src/core/program.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const N = arg('--n', 1 << 20);
const REPS = arg('--reps', 21);

/** Real weights, from the service's own core: uniform_(0, 1) or normal_(0, 0.02), seed 1 or 2. */
function data(kind) {
  const params = kind === 'uniform' ? { a: 0, b: 1 } : { mean: 0, std: 0.02 };
  return initTensor(kind === 'uniform' ? 1n : 2n, kind, [N], 'float32', params).data;
}

function rowJs(b, v, p, d, u, from, end) {
  for (let i = from; i < end; i++) {
    p = writeFloat32(b, v, p, d[i], u[i]);
    b[p++] = 44;
  }
  return p;
}

const F = fmt32();
if (F === null) throw new Error('no WebAssembly');
const BLOCK = 1 << 14; // as json.ts's Rows.write

/** ns/element of each function, run alternately (the host's load varies: both see the same). */
function timeAll(fns) {
  const ts = fns.map(() => []);
  for (let r = 0; r < REPS; r++) {
    fns.forEach((fn, k) => {
      const t0 = process.hrtime.bigint();
      fn();
      ts[k].push(Number(process.hrtime.bigint() - t0) / N);
    });
  }
  return ts.map((t) => {
    t.sort((a, b) => a - b);
    return { min: t[0], med: t[t.length >> 1] };
  });
}

/** Elements the instance hands back to the JS writer. */
function fallbacks(u) {
  let k = 0;
  for (let i = 0; i < u.length; i += F.chunk) {
    const n = Math.min(F.chunk, u.length - i);
    F.u32.set(u.subarray(i, i + n), F.src >> 2);
    for (let j = 0; j < n;) {
      j += F.ex.fmt_f32(F.src + 4 * j, n - j, F.dst);
      if (j < n) { k++; j++; }
    }
  }
  return k;
}

const fmt = (x) => x.toFixed(1).padStart(5);
for (const kind of (process.argv.includes('--normal-first') ? ['normal', 'uniform'] : ['uniform', 'normal'])) {
  const d = data(kind);
  const u = new Uint32Array(d.buffer);
  const out = new Uint8Array(N * 20 + 64);
  const v = new DataView(out.buffer);
  const out2 = new Uint8Array(N * 20 + 64);
  const v2 = new DataView(out2.buffer);
  let pj = 0, pw = 0;
  const t = { dtype: 'float32', shape: [N], data: d };
  const [js, wasm, e2e] = timeAll([
    () => {
      let p = 0;
      for (let s = 0; s < N; s += BLOCK) p = rowJs(out, v, p, d, u, s, Math.min(N, s + BLOCK));
      pj = p;
    },
    () => {
      let p = 0;
      for (let s = 0; s < N; s += BLOCK) p = rowF32Wasm(F, out2, v2, p, d, u, s, Math.min(N, s + BLOCK));
      pw = p;
    },
    () => encodeJsonData(t),
  ]);
  if (!Buffer.from(out.subarray(0, pj)).equals(Buffer.from(out2.subarray(0, pw)))) throw new Error(`${kind}: the writers differ`);
  console.log(`${kind.padEnd(8)} N=${N} (${(pj / N).toFixed(2)} bytes/elt, ns/elt min / median of ${REPS})  ` +
    `JS ${fmt(js.min)} /${fmt(js.med)}  WASM ${fmt(wasm.min)} /${fmt(wasm.med)}  ` +
    `speedup ${(js.min / wasm.min).toFixed(2)}x / ${(js.med / wasm.med).toFixed(2)}x  ` +
    `encodeJsonData ${fmt(e2e.min)} /${fmt(e2e.med)} (${(e2e.med * N / 1e6).toFixed(1)} ms)  JS fallbacks ${fallbacks(u)}`);
}
