// Shared set-up of tools/glibc-check: compiles the glibc oracle (glibc_dump.c) and the
// project's TypeScript into a temporary folder, or says why the local machine cannot serve
// as the reference (then the caller skips).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');

/** { skip: reason } or { bin, ver, modUrl } (the temporary folder goes at process exit). */
export function prepare() {
  if (spawnSync('gcc', ['--version']).status !== 0) return { skip: 'gcc not found' };
  let cpu = '';
  try {
    cpu = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return { skip: 'no /proc/cpuinfo' };
  }
  const flags = cpu.split('\n').find((l) => l.startsWith('flags')) ?? '';
  // Without FMA+AVX2 glibc's ifunc picks the SSE2 expf/logf, which are not the reference.
  if (!/\bfma\b/.test(flags) || !/\bavx2\b/.test(flags)) return { skip: 'CPU without FMA+AVX2' };

  const tmp = mkdtempSync(join(tmpdir(), 'glibc-check-'));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const bin = join(tmp, 'glibc_dump');
  const cc = spawnSync('gcc', ['-O2', '-o', bin, join(here, 'glibc_dump.c'), '-lm'], { stdio: 'inherit' });
  if (cc.status !== 0) return { skip: 'could not compile the oracle (no glibc headers?)' };
  const ver = spawnSync(bin, ['version'], { encoding: 'utf8' }).stdout.trim();
  if (ver !== '2.36') return { skip: `libm is glibc ${ver || '?'}, not 2.36` };

  const dist = join(tmp, 'dist');
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', dist], { stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('tsc failed');
  const modUrl = pathToFileURL(join(dist, 'src/core/rng/glibc-float.js')).href;
  return { bin, ver, modUrl, dist };
}

function collect(p, n, what, res, rej) {
  const parts = [];
  p.stdout.on('data', (b) => parts.push(b));
  p.on('error', rej);
  p.on('close', (code) => {
    const buf = Buffer.concat(parts);
    if (code !== 0 || buf.length !== 4 * n) rej(new Error(`oracle ${what}: exit ${code}`));
    else res(new Uint32Array(buf.buffer, buf.byteOffset, n));
  });
}

/** glibc results (bit patterns) for the bit patterns lo, lo+1, ..., lo+n-1. */
export function oracleRange(bin, fn, lo, n) {
  return new Promise((res, rej) => {
    const p = spawn(bin, [fn, String(lo), String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
    collect(p, n, `${fn} ${lo}`, res, rej);
  });
}

/** glibc results (bit patterns) for a list of input bit patterns. */
export function oracleList(bin, fn, inputs) {
  return new Promise((res, rej) => {
    const p = spawn(bin, [fn, '-'], { stdio: ['pipe', 'pipe', 'inherit'] });
    collect(p, inputs.length, `${fn} list`, res, rej);
    const u = Uint32Array.from(inputs);
    p.stdin.end(Buffer.from(u.buffer, u.byteOffset, u.byteLength));
  });
}

export const isNaN32 = (b) => (b & 0x7fffffff) > 0x7f800000;
export const hex = (n) => '0x' + (n >>> 0).toString(16).padStart(8, '0');
