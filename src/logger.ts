/** pino options: JSON lines with request ids; pretty on a TTY when pino-pretty is installed. */
export async function loggerOptions(level: string): Promise<Record<string, unknown>> {
  const base = { level };
  if (process.stdout.isTTY) {
    try {
      import.meta.resolve('pino-pretty');
      return { ...base, transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } };
    } catch {
      // production install without dev dependencies: plain JSON
    }
  }
  return base;
}
