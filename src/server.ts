/** env → config → app → graceful close → listen. Nothing else. */
import './v8-flags.js'; // first: before any WebAssembly is compiled
import closeWithGrace from 'close-with-grace';
import { loadConfig, ConfigError } from './config.js';
import { buildApp } from './app.js';
import { loggerOptions } from './logger.js';

let config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`configuration error: ${e.message}\n`);
    process.exit(1);
  }
  throw e;
}

const app = await buildApp(config, { logger: await loggerOptions(config.logLevel) });
closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  else app.log.info({ signal }, 'shutting down: draining in-flight requests');
  await app.close();
});
await app.listen({ host: config.host, port: config.port });
