import type { ResponseHeaders } from '../../lib/request-context.js';

export interface CorsOptions {
  /** Exact origins (`scheme://host[:port]`). `*` allows any origin, without credentials (development). */
  origins: readonly string[];
  maxAgeSeconds: number;
}

const ALLOW_METHODS = 'GET, POST, OPTIONS';
const ALLOW_HEADERS =
  'authorization, content-type, x-correlation-id, x-request-id, x-session-id, trpc-accept';
const EXPOSE_HEADERS = 'x-correlation-id, ratelimit-limit, ratelimit-remaining, ratelimit-reset, retry-after';

/**
 * Adds the CORS headers for a request that sent `origin` to its response headers, and says whether the
 * request is a preflight to be answered at once (204). An allowed origin is echoed with credentials; any
 * other origin gets no CORS headers at all, so the browser refuses the response. Requests without Origin
 * (native apps, same-origin) never get here. Written here rather than taken from hono/cors, which sends
 * Allow-Credentials to disallowed origins too and appends Vary after the handler (which copies the
 * response).
 */
export type CorsPolicy = (
  method: string,
  origin: string,
  requestedMethod: string | null,
  headers: ResponseHeaders,
) => boolean;

export function createCorsPolicy(options: CorsOptions): CorsPolicy {
  const allowed = new Set(options.origins.filter((origin) => origin !== '*'));
  const anyOrigin = options.origins.includes('*');
  const maxAge = String(options.maxAgeSeconds);

  return function cors(method, origin, requestedMethod, headers) {
    const explicit = allowed.has(origin);
    const permitted = explicit || anyOrigin;

    if (method === 'OPTIONS' && requestedMethod !== null) {
      headers.vary = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
      if (!permitted) return true;
      headers['access-control-allow-origin'] = explicit ? origin : '*';
      if (explicit) headers['access-control-allow-credentials'] = 'true';
      headers['access-control-allow-methods'] = ALLOW_METHODS;
      headers['access-control-allow-headers'] = ALLOW_HEADERS;
      headers['access-control-max-age'] = maxAge;
      return true;
    }

    headers.vary = 'Origin';
    if (permitted) {
      headers['access-control-allow-origin'] = explicit ? origin : '*';
      if (explicit) headers['access-control-allow-credentials'] = 'true';
      headers['access-control-expose-headers'] = EXPOSE_HEADERS;
    }
    return false;
  };
}
