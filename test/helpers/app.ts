import type { Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { FastifyInstance } from 'fastify';
import { fileURLToPath } from 'node:url';

/** Compiled by test/build-before.mjs (tap's `before`): real worker threads, compiled code. */
export const WORKER_FILE = fileURLToPath(new URL('../../dist/src/worker/worker.js', import.meta.url));

/** The app with explicit config (real worker threads), closed in teardown. */
export async function makeApp(t: Test, env: Record<string, string> = {}, overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  const config = loadConfig({ WORKERS: '2', ...env }, { workerFile: WORKER_FILE, ...overrides });
  const app = await buildApp(config);
  t.teardown(() => app.close());
  await app.ready();
  return app;
}

/** Listening on an ephemeral loopback port, for the end-to-end tests that need real HTTP. */
export async function listen(t: Test, env: Record<string, string> = {}, overrides: Partial<Config> = {}): Promise<{ app: FastifyInstance; url: string }> {
  const app = await makeApp(t, env, overrides);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { app, url: `http://127.0.0.1:${port}` };
}

/** Query value text for a fixture param (numbers as JSON numbers). */
export function qv(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : String(v);
  return String(v);
}

const shared = new Map<string, Promise<FastifyInstance>>();

/**
 * One app per test file (and env) for tests that don't depend on a fresh cache or counters:
 * building an app starts its worker threads, which is most of a small test's time.
 */
export function sharedApp(root: Test, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const key = JSON.stringify(env);
  let p = shared.get(key);
  if (!p) {
    p = makeApp(root, env);
    shared.set(key, p);
  }
  return p;
}
