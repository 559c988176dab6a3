#!/usr/bin/env node
// Runs the service's TS core (the tsc build in dist/) for tools/models/*.py.
// Reads one JSON job per stdin line, writes one JSON result per stdout line:
//   {"op": "preset", "model", "seed", "options", "withProgram"?, "dump"?: {name: count}}
//       → {"names","shapes","dtypes","sha256","all","ms","program"?,"dumps"?}
//   {"op": "program", "model", "options"} → {"program"} (presetProgram's output, not run)
//   {"op": "rules", "body": {...rules request...}} → same fields for a rules program
// seeds travel as decimal strings. Build first: `npx tsc -p tsconfig.json` (or DIST=/other/dist).
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = process.env.DIST ? path.resolve(process.env.DIST) : path.join(root, 'dist');
const imp = (p) => import(pathToFileURL(path.join(dist, p)).href);
const { planProgram, runPlan } = await imp('src/core/program.js');
const { tensorBytes } = await imp('src/core/dtype.js');
const presets = await imp('src/core/presets/index.js');
const rules = await imp('src/core/rules.js');

function hashOutputs(outs) {
  const all = createHash('sha256');
  const res = { names: [], shapes: [], dtypes: [], sha256: [] };
  for (const o of outs) {
    const b = tensorBytes(o);
    res.names.push(o.name);
    res.shapes.push(o.shape);
    res.dtypes.push(o.dtype);
    res.sha256.push(createHash('sha256').update(b).digest('hex'));
    all.update(b);
  }
  res.all = all.digest('hex');
  return res;
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) continue;
  const job = JSON.parse(line);
  let out;
  try {
    const t0 = performance.now();
    let prog;
    if (job.op === 'program') {
      prog = presets.presetProgram(job.model, 0n, job.options ?? {});
      process.stdout.write(JSON.stringify({ program: { ...prog, seed: String(prog.seed) } }) + '\n');
      continue;
    }
    if (job.op === 'preset') prog = presets.presetProgram(job.model, BigInt(job.seed), job.options ?? {});
    else if (job.op === 'rules') prog = rules.rulesToProgram({ ...job.body, seed: BigInt(job.body.seed) });
    else throw new Error(`unknown op ${job.op}`);
    const outs = runPlan(planProgram(prog));
    out = { ...hashOutputs(outs), ms: Math.round(performance.now() - t0) };
    if (job.withProgram) out.program = { ...prog, seed: String(prog.seed) };
    if (job.dump) {
      // first `count` elements of the named tensors, little-endian bytes in base64
      out.dumps = {};
      for (const o of outs) {
        const count = job.dump[o.name];
        if (count === undefined) continue;
        const b = tensorBytes(o);
        const per = b.byteLength / Math.max(1, o.data.length);
        out.dumps[o.name] = Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, count * per)).toString('base64');
      }
    }
  } catch (e) {
    out = { error: `${e.name}: ${e.message}` };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
