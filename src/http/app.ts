import { trpcServer } from '@hono/trpc-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { CONTENT_VERSION } from '../db/seed/content/index.js';
import type { Deps } from '../deps.js';
import { createClientIpResolver } from '../lib/client-ip.js';
import { rateLimitHeaders } from '../lib/rate-limit/state.js';
import { createCallerResolver } from '../modules/auth/caller.js';
import { type CallerResolver, createContextFactory, type TrpcContextVariables } from '../trpc/context.js';
import { appCodeOf, type ProcedureMeta } from '../trpc/init.js';
import { appRouter } from '../trpc/router.js';
import { createErrorHandler, errorResponse, notFound } from './errors.js';
import { createAccessLog } from './middleware/access-log.js';
import { createCors } from './middleware/cors.js';
import { createDeadline } from './middleware/deadline.js';
import { createRequestId, type RequestIdVariables } from './middleware/request-id.js';
import { createResponseCache } from './middleware/response-cache.js';
import { createSecurityHeaders } from './middleware/security-headers.js';
import { createUploadLimit } from './middleware/upload-limit.js';
import { createHealthRoutes } from './routes/health.js';
import { createMetricsRoutes } from './routes/metrics.js';
import { createRevenuecatRoutes } from './routes/revenuecat.js';
import { createStatusRoutes } from './routes/status.js';

export const TRPC_ENDPOINT = '/api/trpc';

export interface AppVariables extends RequestIdVariables, TrpcContextVariables {
  /** Set by the client IP resolver the first time a request's address is asked for. */
  clientIp?: string;
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
  const resolveClientIp = createClientIpResolver(deps.env.TRUSTED_PROXIES);
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
      mode: deps.env.ACCESS_LOG,
      slowMs: deps.env.ACCESS_LOG_SLOW_MS,
    }),
  );
  app.use('*', createSecurityHeaders({ hsts: deps.env.NODE_ENV === 'production' }));
  app.use('*', createCors({ origins: deps.env.CORS_ORIGINS, maxAgeSeconds: deps.env.CORS_MAX_AGE_SECONDS }));
  app.use(
    '*',
    createDeadline({
      defaultMs: deps.env.REQUEST_DEADLINE_MS,
      byPrefix: [{ prefix: '/api/stt/', ms: deps.env.UPLOAD_DEADLINE_MS }],
    }),
  );
  const jsonBodyLimit = bodyLimit({
    maxSize: deps.env.BODY_LIMIT_BYTES,
    onError: (c) =>
      errorResponse(c, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${deps.env.BODY_LIMIT_BYTES} bytes`),
  });
  app.use(`${TRPC_ENDPOINT}/*`, jsonBodyLimit);
  app.use('/api/webhooks/*', jsonBodyLimit);
  app.use('/api/stt/*', createUploadLimit(deps.env.UPLOAD_LIMIT_BYTES));

  app.route('/api', createStatusRoutes(deps));
  app.route('/api/health', createHealthRoutes(deps));
  app.route('/metrics', createMetricsRoutes(deps));
  app.route('/api/webhooks/revenuecat', createRevenuecatRoutes(deps, resolveClientIp));

  const createContext = createContextFactory(
    deps,
    options.resolveCaller ?? createCallerResolver(deps),
    resolveClientIp,
  );
  const trpc = trpcServer({
    endpoint: TRPC_ENDPOINT,
    router: appRouter,
    // One request must not fan out into thousands of procedure calls.
    maxBatchSize: deps.env.TRPC_MAX_BATCH_SIZE,
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
    // tRPC answers with a Response of its own. Touching c.res first makes Hono carry the headers earlier
    // middleware prepared (request id, security, CORS) over to it when the handler returns.
    void c.res;
    const response = await trpc(c, next);
    // The procedures have run: their tightest rate limit decision goes out with the answer.
    const rateLimit = c.get('rateLimit');
    if (rateLimit)
      for (const [name, value] of Object.entries(rateLimitHeaders(rateLimit))) c.header(name, value);
    return response;
  });

  app.notFound(notFound);
  app.onError(createErrorHandler(deps.log));
  return app;
}
