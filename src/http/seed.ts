/**
 * Seeds (API.md "Seeds"): a decimal integer in [-2^63, 2^64-1] (leading zeros allowed), or a
 * safe-integer JSON number, or any other non-empty string of at most 256 UTF-8 bytes — a named
 * seed, whose uint64 is the first 8 bytes (little-endian) of SHA-256 of its UTF-8 bytes.
 * Negative seeds map as torch.manual_seed does (two's complement). The canonical form is the
 * uint64 decimal, used by X-Seed and the ETag.
 */
import { createHash } from 'node:crypto';
import { HttpProblem } from '../errors.js';

const MIN = -(1n << 63n);
const MAX = (1n << 64n) - 1n;

export function namedSeed(name: string): bigint {
  const d = createHash('sha256').update(name, 'utf8').digest();
  return d.readBigUInt64LE(0);
}

/** Parse a seed from a query string or JSON value into its canonical uint64. */
export function parseSeed(raw: unknown, field = 'seed'): bigint {
  if (raw === undefined || raw === null) return 0n;
  if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw)) {
      throw new HttpProblem('validation', `${field} must be a safe integer (|n| <= 2^53-1) when given as a JSON number; give larger seeds as decimal strings`, { errors: [{ field, message: 'not a safe integer' }] });
    }
    return canonical(BigInt(raw));
  }
  if (typeof raw !== 'string') throw new HttpProblem('validation', `${field} must be an integer or a string`, { errors: [{ field, message: 'must be an integer or a string' }] });
  if (raw === '') throw new HttpProblem('validation', `${field} must not be empty`, { errors: [{ field, message: 'must not be empty' }] });
  if (/^-?[0-9]+$/.test(raw)) {
    const v = BigInt(raw);
    if (v < MIN || v > MAX) throw new HttpProblem('validation', `${field} ${raw} is outside [-2^63, 2^64-1] (torch: Overflow when unpacking long)`, { errors: [{ field, message: 'outside [-2^63, 2^64-1]' }] });
    return canonical(v);
  }
  if (Buffer.byteLength(raw, 'utf8') > 256) throw new HttpProblem('validation', `a named ${field} is at most 256 bytes`, { errors: [{ field, message: 'named seed longer than 256 bytes' }] });
  return namedSeed(raw);
}

export function canonical(v: bigint): bigint {
  return v < 0n ? v + (1n << 64n) : v;
}
