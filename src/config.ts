/**
 * Configuration from the environment, validated once at start-up into a frozen object.
 * A bad value stops the process with a message naming the variable (no half-configured server).
 */
import os from 'node:os';

export interface Config {
  host: string;
  port: number;
  workers: number;
  logLevel: string;
  cacheBytes: number;
  limits: {
    jsonElements: number;
    binaryElements: number;
    programElements: number;
    programSteps: number;
    bodyBytes: number;
    requestTimeoutMs: number;
    /** tasks waiting for a worker beyond which requests get 503 + Retry-After */
    queue: number;
  };
  /** tensors with at most this many elements are generated on the main thread */
  inlineElements: number;
  /** the worker module piscina loads (default: src/worker/worker beside the running code) */
  workerFile?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, key: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  if (!/^[0-9]+$/.test(raw.trim())) throw new ConfigError(`${key} must be a whole number, got ${JSON.stringify(raw)}`);
  const v = Number(raw.trim());
  if (v < min || v > max) throw new ConfigError(`${key} must be between ${min} and ${max}, got ${v}`);
  return v;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const workersDefault = Math.max(1, os.availableParallelism());
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  const workers = int(env, 'WORKERS', workersDefault, 1, 256);
  const cfg: Config = {
    host: env.HOST && env.HOST !== '' ? env.HOST : '127.0.0.1',
    port: int(env, 'PORT', 8080, 0, 65535),
    workers,
    logLevel,
    cacheBytes: int(env, 'CACHE_BYTES', 256 * 1024 * 1024, 0),
    limits: {
      jsonElements: int(env, 'LIMIT_JSON_ELEMENTS', 1_048_576, 1),
      binaryElements: int(env, 'LIMIT_BINARY_ELEMENTS', 67_108_864, 1),
      programElements: int(env, 'LIMIT_PROGRAM_ELEMENTS', 268_435_456, 1),
      programSteps: int(env, 'LIMIT_PROGRAM_STEPS', 4096, 1),
      bodyBytes: int(env, 'LIMIT_BODY_BYTES', 1_048_576, 1024),
      requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 30_000, 1),
      queue: int(env, 'QUEUE_LIMIT', workers * 32, 0),
    },
    inlineElements: int(env, 'INLINE_ELEMENTS', 4096, 0),
    ...overrides,
  };
  if (overrides.limits) cfg.limits = { ...cfg.limits, ...overrides.limits };
  return Object.freeze(cfg);
}
