import { AsyncLocalStorage } from 'node:async_hooks';
import { type RateLimitState, rateLimitHeaders } from './rate-limit/decision.js';
import { newTraceId } from './telemetry/trace-context.js';

/**
 * Headers every answer to a request carries: correlation id, security, CORS, rate limit. A plain object
 * with lower-case names, because @hono/node-server writes a plain object straight into `writeHead`, while
 * a WHATWG `Headers` costs more to fill and to convert than the rest of a small request.
 */
export type ResponseHeaders = Record<string, string>;

/** Per-request values that every log line, error and answer of that request needs. */
export interface RequestContext {
  requestId: string;
  /**
   * The W3C trace id this request belongs to (32 hex digits): a trusted caller's `traceparent` or the
   * request's span when tracing runs. Unset otherwise until something asks (`traceIdOf`): a new id costs
   * more than most answers need, and only log lines and errors ask.
   */
  traceId?: string;
  responseHeaders: ResponseHeaders;
  /**
   * The answer http/respond.ts built from `responseHeaders` (on the object itself, or on a copy when it
   * was given extra headers: then a header set after the answer was built does not reach it). The edge
   * copies the headers onto any other answer, such as the one the tRPC adapter builds.
   */
  prepared?: Response;
  /** Set once the request has run past its deadline: its transactions roll back (db/guard.ts). */
  pastDeadline: boolean;
  /** This request's tightest rate-limit decision, once tRPC has created the holder for it. */
  rateLimit?: RateLimitState;
  /** At most this many seconds may the answer be cached (a provisional answer); unset: the cache's own. */
  cacheMaxAgeSeconds?: number;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/**
 * The rate limit holder of the request being served, where services that limit per account (login, email
 * codes) record their decisions beside the tRPC middleware's, so the headers describe all of them.
 */
export function currentRateLimitState(): RateLimitState | undefined {
  return requestContext.getStore()?.rateLimit;
}

/**
 * Puts the tightest rate limit decision of the request being served on its answer (RateLimit-* headers),
 * once its procedures have run.
 */
export function announceRateLimit(): void {
  const context = requestContext.getStore();
  if (!context?.rateLimit) return;
  Object.assign(context.responseHeaders, rateLimitHeaders(context.rateLimit));
}

/** A request's trace id, made the first time it is asked for when the request came without one. */
export function traceIdOf(context: RequestContext): string {
  context.traceId ??= newTraceId();
  return context.traceId;
}

/** The trace id of the request being served, if any. */
export function currentTraceId(): string | undefined {
  const context = requestContext.getStore();
  return context ? traceIdOf(context) : undefined;
}

/** The correlation id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/**
 * Tells the client of the request being served to wait at least `seconds` before retrying. Several
 * refusals in one request (a tRPC batch) announce the longest of their waits.
 */
export function announceRetryAfter(seconds: number): void {
  const headers = requestContext.getStore()?.responseHeaders;
  if (!headers) return;
  const current = Number(headers['retry-after'] ?? 0);
  if (seconds > current) headers['retry-after'] = String(seconds);
}

/**
 * Says that the answer of the request being served is provisional: the response cache keeps it (and tells
 * clients to keep it) at most `seconds`, `0` not at all. Several calls in one batch keep the shortest.
 */
export function limitResponseCaching(seconds: number): void {
  const context = requestContext.getStore();
  if (context) context.cacheMaxAgeSeconds = Math.min(context.cacheMaxAgeSeconds ?? seconds, seconds);
}

/** Adds a header to the answer of the request being served, whichever part of the app builds it. */
export function setResponseHeader(name: string, value: string): void {
  const context = requestContext.getStore();
  if (context) context.responseHeaders[name.toLowerCase()] = value;
}
