/** OpenAPI 3.1 from the route schemas (@fastify/swagger, dynamic), Swagger UI at /docs, /openapi.json. */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Problem } from '../schemas/common.js';

export const OPENAPI_INFO = {
  title: 'Weight initialisation service',
  version: '1.0.0',
  description: 'torch.nn.init as a URL: every scheme bit for bit as PyTorch 1.13.1 CPU gives it, as JSON, raw bytes, .npy, safetensors or npz. Responses are pure functions of the request: strong ETags, cacheable forever. Errors are RFC 9457 problem documents; 422 carries PyTorch\'s own error text.',
};

export default fp(async function swaggerPlugin(app: FastifyInstance) {
  app.addSchema(Problem);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      tags: [
        { name: 'tensors', description: 'one tensor' },
        { name: 'programs', description: 'many tensors from one stream' },
        { name: 'models', description: 'torchvision presets' },
        { name: 'catalogue', description: 'schemes, gains' },
        { name: 'meta', description: 'health, metrics, documents' },
      ],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { tags: ['meta'], summary: 'This OpenAPI 3.1 document', response: { 200: { type: 'object', additionalProperties: true } } } }, async () => app.swagger());
}, { name: 'swagger' });
