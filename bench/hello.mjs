/**
 * The bare fastify hello-world peer of the HTTP bench (fastify's README example: no plugins,
 * no hooks, fastify's default logger setting), on PORT.
 */
import Fastify from 'fastify';

const app = Fastify();
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
