import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../lib/logger.js';
import type { Metrics } from '../../lib/metrics.js';

export interface AccessLogOptions {
  log: Logger;
  metrics: Metrics;
  /** Procedure names that may appear as metric labels; anything else is counted as unknown. */
  knownProcedures: ReadonlySet<string>;
  trpcPrefix: string;
  /**
   * `all`: a line per request. `errors`: only 4xx/5xx answers and requests slower than `slowMs` (every
   * request still counts in the metrics). `off`: metrics only.
   */
  mode: 'all' | 'errors' | 'off';
  slowMs: number;
}

/**
 * One histogram observation per request, and a log line per request as `mode` says. Labels are bounded: the matched route pattern,
 * or for tRPC the procedure name (a batch of several counts as `trpc:batch`).
 */
export function createAccessLog(options: AccessLogOptions): MiddlewareHandler {
  const { log, metrics, knownProcedures, trpcPrefix, mode, slowMs } = options;

  const routeLabel = (path: string, routePath: string, status: number): string => {
    if (path.startsWith(trpcPrefix)) {
      const procedures = path.slice(trpcPrefix.length);
      if (procedures.includes(',')) return 'trpc:batch';
      return knownProcedures.has(procedures) ? `trpc:${procedures}` : 'trpc:unknown';
    }
    return status === 404 && routePath.endsWith('*') ? 'unmatched' : routePath;
  };

  // prom-client hashes the label set on every call; binding each (bounded) label combination once keeps
  // the per-request cost to a Map lookup.
  const series = new Map<string, { duration: { observe(value: number): void }; count: { inc(): void } }>();
  const seriesFor = (route: string, method: string, status: number) => {
    const key = `${route} ${method} ${status}`;
    let bound = series.get(key);
    if (!bound) {
      const labels = { route, method, status };
      bound = { duration: metrics.httpDuration.labels(labels), count: metrics.httpRequests.labels(labels) };
      series.set(key, bound);
    }
    return bound;
  };
  // The access line holds only fields built here, none secret, so it skips the redaction pass.
  const accessLogger = log.child({}, { redact: [] });

  // Route labels of answered paths, remembered: working out the matched pattern allocates on every call.
  // Bounded, since parameterised paths are unbounded; 404s are not remembered at all.
  const labelsByPath = new Map<string, string>();
  const labelFor = (path: string, routePath: () => string, status: number): string => {
    if (status === 404) return routeLabel(path, routePath(), status);
    let label = labelsByPath.get(path);
    if (label === undefined) {
      label = routeLabel(path, routePath(), status);
      if (labelsByPath.size < 1_000) labelsByPath.set(path, label);
    }
    return label;
  };

  return async function accessLog(c, next) {
    const started = performance.now();
    metrics.inFlight.count++;
    try {
      await next();
    } finally {
      metrics.inFlight.count--;
      const durationMs = performance.now() - started;
      const status = c.res.status;
      const bound = seriesFor(
        labelFor(c.req.path, () => c.req.routePath, status),
        c.req.method,
        status,
      );
      bound.duration.observe(durationMs / 1000);
      bound.count.inc();
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      const wanted = mode === 'all' || (mode === 'errors' && (status >= 400 || durationMs >= slowMs));
      if (wanted && accessLogger.isLevelEnabled(level)) {
        const rounded = Math.round(durationMs * 10) / 10;
        accessLogger[level](
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
