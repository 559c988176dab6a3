import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** ../shared beside the checkout (CI lays it there), or SHARED_DIR. Tests read it in place. */
export const SHARED_DIR = process.env.SHARED_DIR ?? fileURLToPath(new URL('../../../shared/', import.meta.url));
export const TORCH_FIXTURES = path.join(SHARED_DIR, 'fixtures', 'torch');

export interface FixtureStep { scheme: string; shape: number[]; dtype: string; params: Record<string, unknown> }
export interface FixtureOutput { file: string; sha256: string; dtype: string; shape: number[]; parity: 'exact' | { abs: number } }
export interface FixtureCase {
  id: string;
  seed: number | string;
  steps: FixtureStep[];
  outputs: FixtureOutput[];
  parity: 'exact' | { abs: number };
  error?: boolean;
  error_type?: string;
  error_text?: string;
}

export function loadTorchManifest(): { cases: FixtureCase[] } {
  return JSON.parse(readFileSync(path.join(TORCH_FIXTURES, 'manifest.json'), 'utf8'));
}

export function readFixtureBytes(file: string): Buffer {
  return readFileSync(path.join(TORCH_FIXTURES, file));
}

/** Decode raw little-endian element bytes to numbers for comparison. */
export function decode(dtype: string, b: Uint8Array): Float64Array {
  const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  const out = new Float64Array(b.byteLength / (dtype === 'float64' ? 8 : dtype === 'float32' ? 4 : 2));
  if (dtype === 'float64') out.set(new Float64Array(buf));
  else if (dtype === 'float32') out.set(new Float32Array(buf));
  else {
    const u = new Uint16Array(buf);
    const f = new Float32Array(1);
    const w = new Uint32Array(f.buffer);
    for (let i = 0; i < u.length; i++) {
      if (dtype === 'bfloat16') { w[0] = u[i] << 16; out[i] = f[0]; }
      else {
        const h = u[i], s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, m = h & 1023;
        out[i] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1024 + m) * 2 ** (e - 25);
      }
    }
  }
  return out;
}

/** null when equal under the parity, else a description of the first mismatch. */
export function compareBytes(dtype: string, parity: 'exact' | { abs: number }, got: Uint8Array, want: Uint8Array): string | null {
  if (got.byteLength !== want.byteLength) return `length ${got.byteLength} != ${want.byteLength}`;
  if (parity === 'exact') {
    if (Buffer.compare(Buffer.from(got), Buffer.from(want)) === 0) return null;
    const g = decode(dtype, got), w = decode(dtype, want);
    let bad = 0, first = -1;
    for (let i = 0; i < g.length; i++) if (!(Object.is(g[i], w[i]) || (Number.isNaN(g[i]) && Number.isNaN(w[i])))) { bad++; if (first < 0) first = i; }
    return `${bad}/${g.length} elements differ; first at ${first}: got ${g[first]} want ${w[first]}`;
  }
  const g = decode(dtype, got), w = decode(dtype, want);
  for (let i = 0; i < g.length; i++) {
    if (Number.isNaN(g[i]) && Number.isNaN(w[i])) continue;
    if (g[i] === w[i]) continue;
    if (!(Math.abs(g[i] - w[i]) <= parity.abs)) return `element ${i}: got ${g[i]} want ${w[i]} (|diff| ${Math.abs(g[i] - w[i])} > ${parity.abs})`;
  }
  return null;
}
