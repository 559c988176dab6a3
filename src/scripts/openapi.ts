/** `npm run openapi`: writes the live OpenAPI document to openapi/openapi.json. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';

const app = await buildApp(loadConfig({ WORKERS: '1' }));
await app.ready();
const target = fileURLToPath(new URL('../../../openapi/openapi.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
console.log(`wrote ${target}`);
