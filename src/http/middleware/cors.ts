import type { MiddlewareHandler } from 'hono';

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
 * CORS with an allow-list. An allowed origin is echoed with credentials; any other origin gets no CORS
 * headers at all, so the browser refuses the response. Requests without Origin (native apps, same-origin)
 * are untouched. Written here rather than taken from hono/cors, which sends Allow-Credentials to
 * disallowed origins too and appends Vary after the handler (which copies the response).
 */
export function createCors(options: CorsOptions): MiddlewareHandler {
  const allowed = new Set(options.origins.filter((origin) => origin !== '*'));
  const anyOrigin = options.origins.includes('*');
  const maxAge = String(options.maxAgeSeconds);

  return function cors(c, next) {
    const origin = c.req.header('origin');
    if (origin === undefined) return next();
    const explicit = allowed.has(origin);
    const permitted = explicit || anyOrigin;

    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      c.header('vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
      if (!permitted) return Promise.resolve(c.body(null, 204));
      c.header('access-control-allow-origin', explicit ? origin : '*');
      if (explicit) c.header('access-control-allow-credentials', 'true');
      c.header('access-control-allow-methods', ALLOW_METHODS);
      c.header('access-control-allow-headers', ALLOW_HEADERS);
      c.header('access-control-max-age', maxAge);
      return Promise.resolve(c.body(null, 204));
    }

    c.header('vary', 'Origin');
    if (permitted) {
      c.header('access-control-allow-origin', explicit ? origin : '*');
      if (explicit) c.header('access-control-allow-credentials', 'true');
      c.header('access-control-expose-headers', EXPOSE_HEADERS);
    }
    return next();
  };
}
