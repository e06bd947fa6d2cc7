import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../lib/logger.js';
import type { Metrics } from '../../lib/metrics.js';

export interface AccessLogOptions {
  log: Logger;
  metrics: Metrics;
  /** Procedure names that may appear as metric labels; anything else is counted as unknown. */
  knownProcedures: ReadonlySet<string>;
  trpcPrefix: string;
}

/**
 * One log line and one histogram observation per request. Labels are bounded: the matched route pattern,
 * or for tRPC the procedure name (a batch of several counts as `trpc:batch`).
 */
export function createAccessLog(options: AccessLogOptions): MiddlewareHandler {
  const { log, metrics, knownProcedures, trpcPrefix } = options;

  const routeLabel = (path: string, routePath: string, status: number): string => {
    if (path.startsWith(trpcPrefix)) {
      const procedures = path.slice(trpcPrefix.length);
      if (procedures.includes(',')) return 'trpc:batch';
      return knownProcedures.has(procedures) ? `trpc:${procedures}` : 'trpc:unknown';
    }
    return status === 404 && routePath.endsWith('*') ? 'unmatched' : routePath;
  };

  return async function accessLog(c, next) {
    const started = performance.now();
    metrics.httpInFlight.inc();
    try {
      await next();
    } finally {
      metrics.httpInFlight.dec();
      const durationMs = performance.now() - started;
      const status = c.res.status;
      const labels = { route: routeLabel(c.req.path, c.req.routePath, status), method: c.req.method, status };
      metrics.httpDuration.observe(labels, durationMs / 1000);
      metrics.httpRequests.inc(labels);
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      if (log.isLevelEnabled(level)) {
        const rounded = Math.round(durationMs * 10) / 10;
        log[level](
          {
            evt: 'http_request',
            req: { method: c.req.method, path: c.req.path, status, durationMs: rounded },
          },
          `${c.req.method} ${c.req.path} ${status} ${rounded}ms`,
        );
      }
    }
  };
}
