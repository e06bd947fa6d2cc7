import type { Context, MiddlewareHandler } from 'hono';
import { decisionHeaders } from '../../lib/rate-limit/decision.js';
import { rateLimitedError } from '../../lib/rate-limit/enforce.js';
import type { RateLimits } from '../../lib/rate-limit/limiter.js';
import type { PolicyName } from '../../lib/rate-limit/policies.js';
import { setResponseHeader } from '../../lib/request-context.js';
import { appErrorResponse } from '../errors.js';

export interface RateLimitOptions {
  limits: RateLimits;
  policy: PolicyName;
  /**
   * The counter key of a request, e.g. `(c) => subjectKey('ip', { userId: null, ip: resolveClientIp(c) })`
   * from lib/rate-limit/enforce.ts.
   */
  resolveKey: (c: Context) => string;
}

/**
 * Rate limit for plain (non-tRPC) routes: each request spends one point of `policy`; the `RateLimit-*`
 * headers go on every answer, and past the budget the answer is 429 RATE_LIMITED with `Retry-After` in the
 * JSON error envelope. CORS preflights pass untouched. The headers go into the request's response headers,
 * which every answer carries (lib/request-context.ts).
 */
export function createRateLimit(options: RateLimitOptions): MiddlewareHandler {
  const { limits, policy, resolveKey } = options;
  return async function rateLimit(c, next) {
    if (c.req.method === 'OPTIONS') return next();
    const decision = await limits.consume(policy, resolveKey(c));
    for (const [name, value] of Object.entries(decisionHeaders(decision))) setResponseHeader(name, value);
    if (decision.limited) return appErrorResponse(rateLimitedError(decision));
    await next();
  };
}
