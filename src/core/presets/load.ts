/**
 * THE ONE I/O EXCEPTION OF THE CORE: reads the committed preset programs
 * (`src/core/data/presets/<model>.json`, copies of `../shared/presets/torchvision/`).
 *
 * Why JSON files read with `readFileSync`, not JSON modules or generated TS:
 * - `import x from './x.json' with { type: 'json' }` prints an ExperimentalWarning on Node 20
 *   and is not handled by tap's TS loader;
 * - generating 2.3 MB of TS object literals makes `tsc` infer (and type-check) huge literal types
 *   for every build, and the committed data would no longer be byte-comparable with `../shared`;
 * - a file per model is read lazily, once per thread (the worker threads and the main thread each
 *   keep their own cache), and only when that model is asked for.
 *
 * `tsc` does not copy `.json` into `dist/`, so the directory is found by walking up from this
 * module to the package root and taking `src/core/data/presets/` there: that works from
 * `src/core/presets/` (tap runs the .ts sources) and from `dist/src/core/presets/` (`npm start`).
 * A container image must therefore ship `src/core/data/presets/` beside `dist/`.
 * `PRESETS_DIR` overrides the lookup (tests, unusual layouts). The service never reads `../shared`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REL = path.join('src', 'core', 'data', 'presets');
const PROBE = 'resnet18.json';

let dirCache: string | undefined;

/**
 * The presets directory for a module living in `moduleDir`: its sibling `../data/presets`, else
 * `src/core/data/presets` under the nearest ancestor that has it (the package root when running
 * from `dist/src/core/presets/`). `exists` is injectable for tests.
 */
export function locatePresetDir(moduleDir: string, exists: (p: string) => boolean = existsSync): string | null {
  const first = path.resolve(moduleDir, '..', 'data', 'presets');
  if (exists(path.join(first, PROBE))) return first;
  let dir = path.resolve(moduleDir);
  for (;;) {
    const cand = path.join(dir, REL);
    if (exists(path.join(cand, PROBE))) return cand;
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** Absolute path of the directory that holds `<model>.json` (`PRESETS_DIR` overrides). */
export function presetDataDir(): string {
  if (dirCache !== undefined) return dirCache;
  const env = process.env.PRESETS_DIR;
  const here = fileURLToPath(import.meta.url);
  const found = env ? path.resolve(env) : locatePresetDir(path.dirname(here));
  if (!found) throw new Error(`preset programs not found: no ${REL}/${PROBE} above ${here} (set PRESETS_DIR)`);
  return (dirCache = found);
}

const docCache = new Map<string, unknown>();

/** The parsed `<model>.json` (cached). `name` must already be a known model name. */
export function readPresetJson(name: string): unknown {
  let doc = docCache.get(name);
  if (doc === undefined) {
    doc = JSON.parse(readFileSync(path.join(presetDataDir(), `${name}.json`), 'utf8'));
    docCache.set(name, doc);
  }
  return doc;
}
