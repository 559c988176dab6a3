/** A single `Range: bytes=…` on a body of known length (RFC 9110 §14). */
import { HttpProblem } from '../errors.js';

export interface ByteRange { start: number; end: number } // inclusive

/** null = serve the whole body (no header, several ranges, or not a bytes range). */
export function parseRange(header: string | undefined, length: number): ByteRange | null {
  if (!header) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return null;
  const [, a, b] = m;
  let start: number, end: number;
  if (a === '' && b === '') return null;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) throw unsatisfiable(length);
    start = Math.max(0, length - suffix);
    end = length - 1;
  } else {
    start = Number(a);
    end = b === '' ? length - 1 : Math.min(Number(b), length - 1);
    if (b !== '' && Number(b) < start) return null; // invalid spec: ignore (RFC 9110)
  }
  if (start >= length || length === 0) throw unsatisfiable(length);
  return { start, end };
}

function unsatisfiable(length: number): HttpProblem {
  return new HttpProblem('range_not_satisfiable', `the range is outside the body of ${length} bytes`, { headers: { 'content-range': `bytes */${length}` } });
}
