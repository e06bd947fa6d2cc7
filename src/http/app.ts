import { trpcServer } from '@hono/trpc-server';
import { type Context, Hono } from 'hono';
import type { Env } from '../config/env.js';
import { loggableError } from '../db/errors.js';
import { CONTENT_VERSION } from '../db/seed/content/index.js';
import type { ErrorReporter } from '../integrations/error-tracking/index.js';
import { createClientIpResolver } from '../lib/client-ip.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { subjectKey } from '../lib/rate-limit/enforce.js';
import { announceRateLimit } from '../lib/request-context.js';
import { createTraceParentPolicy } from '../lib/telemetry/trace-context.js';
import { createCallerResolver } from '../modules/auth/caller.js';
import type { PrivacyDeps } from '../modules/privacy/service.js';
import { createContextFactory, type ProcedureDeps } from '../trpc/context.js';
import { appCodeOf, type ProcedureMeta } from '../trpc/init.js';
import { appRouter } from '../trpc/router.js';
import { createAccessLog } from './edge/access-log.js';
import { createCorsPolicy } from './edge/cors.js';
import { createEdge } from './edge/edge.js';
import { createRouteLabels } from './edge/route-labels.js';
import {
  ADMIN_CONTENT_SECURITY_POLICY,
  createResponseHeaders,
  DOCS_CONTENT_SECURITY_POLICY,
} from './edge/security-headers.js';
import { createErrorHandler, notFound } from './errors.js';
import { createBodyLimit } from './middleware/body-limit.js';
import { createResponseCache } from './middleware/response-cache.js';
import { createUploadLimit } from './middleware/upload-limit.js';
import { createDocsRoutes, DOCS_PATH } from './rest/docs.js';
import { createOpenApiDocument, REST_BASE_PATH } from './rest/document.js';
import { type RestOperation, restOperationsOf } from './rest/operations.js';
import { createRestRoutes } from './rest/routes.js';
import { createAdminConsoleRoutes } from './routes/admin-console.js';
import { createClientLogRoutes } from './routes/client-logs.js';
import { createHealthRoutes, type HealthDeps } from './routes/health.js';
import { createMetricsRoutes } from './routes/metrics.js';
import { createRevenuecatRoutes } from './routes/revenuecat.js';
import { createStatusRoutes } from './routes/status.js';
import { createSttRoutes } from './routes/stt.js';
import { createToolkitRoutes } from './routes/toolkit.js';

export const TRPC_ENDPOINT = '/api/trpc';

export interface AppVariables {
  /** Set by the client IP resolver the first time a request's address is asked for. */
  clientIp?: string;
}

export type App = Hono<{ Variables: AppVariables }>;

let restApi: { operations: RestOperation[]; document: object } | undefined;

/** The REST operations and their OpenAPI document: the same for every app, so built once per process. */
function restApiOfRouter() {
  if (!restApi) {
    const operations = restOperationsOf(appRouter);
    restApi = { operations, document: createOpenApiDocument(operations) };
  }
  return restApi;
}

/** Everything the HTTP application needs: what its procedures and routes need, composed. */
export type AppDeps = ProcedureDeps &
  PrivacyDeps &
  HealthDeps & { env: Env; log: Logger; errors: ErrorReporter; metrics: Metrics };

/**
 * Builds the HTTP application: the routes, and around them the edge (edge/edge.ts) that every request
 * passes first and last: correlation id, security and CORS headers, deadline, metrics and access log. The
 * app's `fetch` (and so `app.request`) is the edge's, so tests and the server see the same stack.
 */
export function createApp(deps: AppDeps): App {
  const app: App = new Hono<{ Variables: AppVariables }>();
  const resolveClientIp = createClientIpResolver(deps.env.TRUSTED_PROXIES);
  const metaOf = new Map(
    Object.entries(
      appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta } }>,
    ).map(([path, procedure]) => [path, procedure._def.meta ?? {}]),
  );
  const knownProcedures = new Set(metaOf.keys());
  // A deprecated procedure is never served from the cache: each call must announce itself and be counted.
  const deprecated = new Set(deps.deprecations.map((entry) => entry.path));
  const publicCacheable = new Set(
    [...metaOf]
      .filter(([path, meta]) => meta.cache === 'public' && !deprecated.has(path))
      .map(([path]) => path),
  );
  // A batch may be cached only if every procedure in it may be.
  const allPublicCacheable = (paths: string) => paths.split(',').every((path) => publicCacheable.has(path));

  const jsonBodyLimit = createBodyLimit(deps.env.BODY_LIMIT_BYTES);
  app.use(`${TRPC_ENDPOINT}/*`, jsonBodyLimit);
  app.use(`${REST_BASE_PATH}/*`, jsonBodyLimit);
  app.use('/api/stt/*', createUploadLimit(deps.env.UPLOAD_LIMIT_BYTES));

  app.route('/api', createStatusRoutes(deps));
  app.route('/api/health', createHealthRoutes(deps));
  app.route('/metrics', createMetricsRoutes(deps));
  const revenuecat = createRevenuecatRoutes(deps, resolveClientIp);
  if (revenuecat) app.route('/api/webhooks/revenuecat', revenuecat);
  app.route('/api/ingest/logs', createClientLogRoutes(deps, resolveClientIp));
  // The console's one page is /admin: the slash form leads there (its #/route is kept by the browser).
  // Registered first: an unbuilt console answers every path under /admin with 503.
  app.get('/admin/', (c) => c.redirect('/admin', 301));
  app.route('/admin', createAdminConsoleRoutes());

  const resolveCaller = createCallerResolver(deps);
  // Plain AI routes spend the signed-in user's budget, else the client IP's (as tRPC procedures do).
  const limitKey = async (c: Context) =>
    subjectKey('user-or-ip', { userId: (await resolveCaller(c))?.userId ?? null, ip: resolveClientIp(c) });
  app.route('/api/stt', createSttRoutes(deps, limitKey));
  app.route('/api/toolkit', createToolkitRoutes(deps, limitKey));

  const createContext = createContextFactory(deps, resolveCaller, resolveClientIp, (path) => {
    const meta = metaOf.get(path);
    return meta ? (meta.rateLimit ?? 'default') : null;
  });
  // The REST API for integrators runs the same procedures, with the same context (rest/routes.ts).
  app.route(
    REST_BASE_PATH,
    createRestRoutes({ ...restApiOfRouter(), createContext, log: deps.log, errors: deps.errors }),
  );
  app.route(DOCS_PATH, createDocsRoutes());

  const trpc = trpcServer({
    endpoint: TRPC_ENDPOINT,
    router: appRouter,
    // One request must not fan out into thousands of procedure calls.
    maxBatchSize: deps.env.TRPC_MAX_BATCH_SIZE,
    createContext: (options, c) =>
      createContext(c, options.info.calls) as unknown as Promise<Record<string, unknown>>,
    onError({ error, path }) {
      // Expected errors are the client's business; only faults are logged with their stack, and reported.
      if (appCodeOf(error) !== 'INTERNAL') return;
      deps.log.error({ err: loggableError(error.cause ?? error), path }, 'procedure failed');
      deps.errors.report(error.cause ?? error, { procedure: path ?? 'unknown', transport: 'http' });
    },
    // tRPC leaves the content type off errors it raises before any procedure runs (batch too large,
    // unsupported content type); every error answer is JSON.
    responseMeta: ({ errors }) =>
      errors.length > 0 ? { headers: { 'content-type': 'application/json' } } : {},
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
    // The procedures have run: their tightest rate limit decision goes out with the answer (the edge puts
    // the request's headers on tRPC's response).
    announceRateLimit();
    return response;
  });

  app.notFound(notFound);
  app.onError(createErrorHandler(deps.log, deps.errors));

  const routeLabel = createRouteLabels({
    routes: () => app.routes,
    trpcPrefix: `${TRPC_ENDPOINT}/`,
    knownProcedures,
  });
  const edge = createEdge({
    routeLabel,
    traceParent: createTraceParentPolicy(deps.env.TRACE_TRUSTED_CALLERS ?? deps.env.TRUSTED_PROXIES),
    log: deps.log,
    errors: deps.errors,
    metrics: deps.metrics,
    responseHeaders: createResponseHeaders({ hsts: deps.env.NODE_ENV === 'production' }),
    cors: createCorsPolicy({ origins: deps.env.CORS_ORIGINS, maxAgeSeconds: deps.env.CORS_MAX_AGE_SECONDS }),
    recordRequest: createAccessLog({
      log: deps.log,
      metrics: deps.metrics,
      routeLabel,
      mode: deps.env.ACCESS_LOG,
      slowMs: deps.env.ACCESS_LOG_SLOW_MS,
    }),
    contentSecurityPolicy: [
      { prefix: DOCS_PATH, policy: DOCS_CONTENT_SECURITY_POLICY },
      { prefix: '/admin', policy: ADMIN_CONTENT_SECURITY_POLICY },
    ],
    deadline: {
      defaultMs: deps.env.REQUEST_DEADLINE_MS,
      byPrefix: [
        { prefix: '/api/stt', ms: deps.env.UPLOAD_DEADLINE_MS },
        { prefix: '/api/toolkit/', ms: deps.env.UPLOAD_DEADLINE_MS },
      ],
    },
  });
  app.fetch = edge(app.fetch);
  return app;
}
