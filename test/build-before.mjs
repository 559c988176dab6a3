// tap's `before` program: compile src/ and routes/ into dist/ so the worker threads the tests
// start run the compiled worker (the same sources; loading them through the TS loader in every
// thread costs seconds of CPU per thread). The main thread still runs the .ts sources.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
