import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/** The baseline: Hono's hello world on @hono/node-server, nothing else. Listens on PORT. */
const app = new Hono().get('/', (c) => c.text('Hello Hono!'));
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' });
process.once('SIGTERM', () => server.close(() => process.exit(0)));
