import type { Logger } from '../../lib/logger.js';
import type { Metrics } from '../../lib/metrics.js';

export interface AccessLogOptions {
  log: Logger;
  metrics: Metrics;
  /** The bounded metric label of a request (see route-labels.ts). */
  routeLabel: (method: string, path: string) => string;
  /**
   * `all`: a line per request. `errors`: only 4xx/5xx answers and requests slower than `slowMs` (every
   * request still counts in the metrics). `off`: metrics only.
   */
  mode: 'all' | 'errors' | 'off';
  slowMs: number;
}

/** Records one answered request: a metrics observation always, a log line as `mode` says. */
export type RecordRequest = (method: string, path: string, status: number, durationMs: number) => void;

export function createAccessLog(options: AccessLogOptions): RecordRequest {
  const { metrics, routeLabel, mode, slowMs } = options;
  // The access line holds only fields built here, none secret, so it skips the redaction pass.
  const log = options.log.child({}, { redact: [] });

  return function recordRequest(method, path, status, durationMs) {
    metrics.http.seriesFor(routeLabel(method, path), method, status).observe(durationMs / 1000);
    metrics.daily.add('http_requests');
    if (status >= 500) metrics.daily.add('http_errors');
    const wanted = mode === 'all' || (mode === 'errors' && (status >= 400 || durationMs >= slowMs));
    if (!wanted) return;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (!log.isLevelEnabled(level)) return;
    const rounded = Math.round(durationMs * 10) / 10;
    log[level](
      { evt: 'http_request', req: { method, path, status, durationMs: rounded } },
      `${method} ${path} ${status} ${rounded}ms`,
    );
  };
}
