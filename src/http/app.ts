import { trpcServer } from '@hono/trpc-server';
import { Hono } from 'hono';
import { CONTENT_VERSION } from '../db/seed/content/index.js';
import type { Deps } from '../deps.js';
import { createCallerResolver } from '../modules/auth/caller.js';
import { type Caller, type CallerResolver, createContextFactory } from '../trpc/context.js';
import { appCodeOf, type ProcedureMeta } from '../trpc/init.js';
import { appRouter } from '../trpc/router.js';
import { createErrorHandler, notFound } from './errors.js';
import { createAccessLog } from './middleware/access-log.js';
import { createRequestId, type RequestIdVariables } from './middleware/request-id.js';
import { createResponseCache } from './middleware/response-cache.js';
import { createHealthRoutes } from './routes/health.js';
import { createMetricsRoutes } from './routes/metrics.js';
import { createRevenuecatRoutes } from './routes/revenuecat.js';
import { createStatusRoutes } from './routes/status.js';

export const TRPC_ENDPOINT = '/api/trpc';

export interface AppVariables extends RequestIdVariables {
  clientIp?: string;
  caller?: Caller | null;
}

export type App = Hono<{ Variables: AppVariables }>;

export interface AppOptions {
  /** Resolves the caller of a tRPC request; by default from the bearer access token. */
  resolveCaller?: CallerResolver;
}

/**
 * Builds the HTTP application. Order matters: the request id comes first so everything after it, including
 * the access log and error responses, carries the correlation id.
 */
export function createApp(deps: Deps, options: AppOptions = {}): App {
  const app: App = new Hono<{ Variables: AppVariables }>();
  const knownProcedures = new Set(Object.keys(appRouter._def.procedures));
  const publicCacheable = new Set(
    Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta } }>)
      .filter(([, procedure]) => procedure._def.meta?.cache === 'public')
      .map(([path]) => path),
  );
  // A batch may be cached only if every procedure in it may be.
  const allPublicCacheable = (paths: string) => paths.split(',').every((path) => publicCacheable.has(path));

  app.use('*', createRequestId());
  app.use(
    '*',
    createAccessLog({
      log: deps.log,
      metrics: deps.metrics,
      knownProcedures,
      trpcPrefix: `${TRPC_ENDPOINT}/`,
    }),
  );

  app.route('/api', createStatusRoutes(deps));
  app.route('/api/health', createHealthRoutes(deps));
  app.route('/metrics', createMetricsRoutes(deps));
  app.route('/api/webhooks/revenuecat', createRevenuecatRoutes(deps));

  const createContext = createContextFactory(deps, options.resolveCaller ?? createCallerResolver(deps));
  const trpc = trpcServer({
    endpoint: TRPC_ENDPOINT,
    router: appRouter,
    createContext: (_options, c) => createContext(c) as unknown as Promise<Record<string, unknown>>,
    onError({ error, path }) {
      // Expected errors are the client's business; only faults are logged with their stack.
      if (appCodeOf(error) === 'INTERNAL')
        deps.log.error({ err: error.cause ?? error, path }, 'procedure failed');
    },
  });
  app.use(
    `${TRPC_ENDPOINT}/*`,
    createResponseCache({
      maxAgeSeconds: deps.env.RESPONSE_CACHE_SECONDS,
      maxBytes: deps.env.RESPONSE_CACHE_MAX_MB * 1024 * 1024,
      version: CONTENT_VERSION,
      isCacheable: (c) => allPublicCacheable(c.req.path.slice(TRPC_ENDPOINT.length + 1)),
    }),
  );
  app.use(`${TRPC_ENDPOINT}/*`, async function trpcHandler(c, next) {
    const response = await trpc(c, next);
    // tRPC builds its own Response, so headers prepared on the context are not on it. Its headers are
    // mutable: setting one directly is cheap, unlike c.header() afterwards, which copies the response.
    response?.headers.set('x-correlation-id', c.get('requestId'));
    return response;
  });

  app.notFound(notFound);
  app.onError(createErrorHandler(deps.log));
  return app;
}
