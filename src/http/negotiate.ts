/**
 * Format choice: the `format` field (query or body), else `Accept`, else the route's default.
 * An `Accept` that names nothing we can produce is 406.
 */
import Negotiator from 'negotiator';
import { HttpProblem } from '../errors.js';

export const FORMATS = ['json', 'raw', 'npy', 'safetensors', 'npz'] as const;
export type Format = (typeof FORMATS)[number];

export const MEDIA_TYPES: Record<Format, string> = {
  json: 'application/json',
  raw: 'application/octet-stream',
  npy: 'application/x-npy',
  safetensors: 'application/vnd.safetensors',
  npz: 'application/zip',
};

export const EXTENSIONS: Record<Format, string> = { json: 'json', raw: 'bin', npy: 'npy', safetensors: 'safetensors', npz: 'npz' };

export function chooseFormat(explicit: string | undefined, accept: string | undefined, allowed: readonly Format[], fallback: Format): Format {
  if (explicit !== undefined) {
    if (!(FORMATS as readonly string[]).includes(explicit)) {
      throw new HttpProblem('validation', `format must be one of ${allowed.join(', ')}`, { errors: [{ field: 'format', message: `unknown format ${JSON.stringify(explicit)}` }] });
    }
    if (!allowed.includes(explicit as Format)) {
      throw new HttpProblem('not_acceptable', `format ${explicit} is not available here; this route produces ${allowed.join(', ')}`);
    }
    return explicit as Format;
  }
  if (!accept || accept.trim() === '') return fallback;
  const types = allowed.map((f) => MEDIA_TYPES[f]);
  // the fallback first, so `*/*` picks it
  const ordered = [MEDIA_TYPES[fallback], ...types.filter((t) => t !== MEDIA_TYPES[fallback])];
  const best = new Negotiator({ headers: { accept } }).mediaType(ordered);
  if (!best) {
    throw new HttpProblem('not_acceptable', `cannot produce ${accept}; this route produces ${types.join(', ')} (or use the format parameter)`);
  }
  return allowed.find((f) => MEDIA_TYPES[f] === best)!;
}
