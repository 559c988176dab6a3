// The committed openapi/openapi.json is generated (`npm run openapi`): it must equal the live
// document, validate as OpenAPI 3.1, and document every route with its problem responses.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { makeApp } from './helpers/app.js';

t.test('live /openapi.json = committed file, valid OpenAPI 3.1', async (t) => {
  const app = await makeApp(t, { WORKERS: '1' });
  const res = await app.inject({ url: '/openapi.json' });
  t.equal(res.statusCode, 200);
  const live = res.json();
  const committed = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8'));
  t.same(committed, live, 'run `npm run openapi` after changing a route schema');
  t.equal(live.openapi, '3.1.0');
  const v = new Validator();
  const r = await v.validate(structuredClone(live));
  t.ok(r.valid, JSON.stringify(r.errors ?? []).slice(0, 2000));
  const paths = Object.keys(live.paths);
  for (const p of ['/v1/init/{scheme}', '/v1/init', '/v1/programs', '/v1/schemes', '/v1/schemes/{name}', '/v1/gain/{nonlinearity}', '/healthz', '/readyz', '/metrics', '/openapi.json']) {
    t.ok(paths.includes(p), `${p} is documented`);
  }
  const get = live.paths['/v1/init/{scheme}'].get;
  t.ok(get.responses['200'].content['application/x-npy'], 'binary media types are documented');
  t.ok(get.responses['422'].content['application/problem+json'], 'problems are documented');
  t.ok(live.paths['/v1/init/{scheme}'].head, 'HEAD is documented');
  const docs = await app.inject({ url: '/docs' });
  t.ok([200, 302].includes(docs.statusCode), 'Swagger UI is served');
});
