import type { Context, MiddlewareHandler } from 'hono';
import { LRUCache } from 'lru-cache';
import { requestContext } from '../../lib/request-context.js';
import { respond } from '../respond.js';

export interface ResponseCacheOptions {
  /** Seconds a cached answer may be served, by this instance and (through Cache-Control) by clients. */
  maxAgeSeconds: number;
  /** Upper bound on memory held by cached bodies. */
  maxBytes: number;
  /** Part of every key: bumping it (new content) makes old entries unreachable at once. */
  version: string;
  /** Whether this request's answer is the same for every caller (decided before the handler runs). */
  isCacheable(c: Context): boolean;
}

interface CachedResponse {
  /** Encoded once, so hits skip re-encoding the text on every response. */
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
}

/**
 * Serves whole responses of public, caller-independent reads from memory. Such answers are pure functions
 * of the URL and the content version, so an instance-local copy is never inconsistent with another
 * instance's; it only saves the query, the serialisation and the shared-store round trip. Only 200
 * answers are kept. An answer its handler marked provisional (`limitResponseCaching`: content still being
 * generated) is kept, and announced in Cache-Control, only as long as it asked.
 */
export function createResponseCache(options: ResponseCacheOptions): MiddlewareHandler {
  const cache = new LRUCache<string, CachedResponse>({
    maxSize: options.maxBytes,
    sizeCalculation: (entry) => entry.body.byteLength + 64,
    ttl: options.maxAgeSeconds * 1000,
  });
  const cacheControl = `public, max-age=${options.maxAgeSeconds}`;

  return async function responseCache(c, next) {
    if (options.maxAgeSeconds <= 0 || c.req.method !== 'GET' || !options.isCacheable(c)) return next();
    const url = c.req.url;
    const key = `${options.version} ${url.slice(url.indexOf('/', url.indexOf('//') + 2))}`;
    const hit = cache.get(key);
    if (hit) {
      return respond(hit.body, 200, hit.contentType, { 'cache-control': cacheControl });
    }
    await next();
    const response = c.res;
    if (response.status !== 200) return;
    // A handler that answered provisionally (lib/request-context.ts) shortens the entry's life, or skips it.
    const limit = requestContext.getStore()?.cacheMaxAgeSeconds;
    const maxAge = limit === undefined ? options.maxAgeSeconds : Math.min(limit, options.maxAgeSeconds);
    if (maxAge <= 0) {
      c.res.headers.set('cache-control', 'no-store');
      return;
    }
    const body = new Uint8Array(await response.arrayBuffer());
    const contentType = response.headers.get('content-type') ?? 'application/json';
    cache.set(key, { body, contentType }, { ttl: maxAge * 1000 });
    c.res = new Response(body, { status: 200, headers: response.headers });
    c.res.headers.set(
      'cache-control',
      maxAge === options.maxAgeSeconds ? cacheControl : `public, max-age=${maxAge}`,
    );
  };
}
