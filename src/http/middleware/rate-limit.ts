import type { Context, MiddlewareHandler } from 'hono';
import { createRateLimitState, decisionHeaders, recordDecision } from '../../lib/rate-limit/decision.js';
import { rateLimitedError } from '../../lib/rate-limit/enforce.js';
import type { RateLimits } from '../../lib/rate-limit/limiter.js';
import type { PolicyName } from '../../lib/rate-limit/policies.js';
import { setResponseHeader } from '../../lib/request-context.js';
import { appErrorResponse } from '../errors.js';

export interface RateLimitOptions {
  limits: RateLimits;
  /**
   * The policy each request spends one point of; several (a per-minute limit and a daily quota, say) are
   * spent in order, and a refusal stops there, so a request refused per minute spends no quota.
   */
  policy: PolicyName | readonly PolicyName[];
  /**
   * The counter key of a request, e.g. `(c) => subjectKey('ip', { userId: null, ip: resolveClientIp(c) })`
   * from lib/rate-limit/enforce.ts. It may be async (a key by the signed-in user resolves the caller).
   */
  resolveKey: (c: Context) => string | Promise<string>;
}

/**
 * Rate limit for plain (non-tRPC) routes: each request spends one point of each `policy`; the `RateLimit-*`
 * headers of the tightest decision go on every answer, and past a budget the answer is 429 RATE_LIMITED
 * with `Retry-After` in the JSON error envelope. CORS preflights pass untouched. The headers go into the
 * request's response headers, which every answer carries (lib/request-context.ts).
 */
export function createRateLimit(options: RateLimitOptions): MiddlewareHandler {
  const { limits, resolveKey } = options;
  const policies: readonly PolicyName[] =
    typeof options.policy === 'string' ? [options.policy] : options.policy;
  return async function rateLimit(c, next) {
    if (c.req.method === 'OPTIONS') return next();
    const key = await resolveKey(c);
    const state = createRateLimitState();
    for (const policy of policies) {
      const decision = await limits.consume(policy, key);
      recordDecision(state, decision);
      if (decision.limited) break;
    }
    const tightest = state.decision!;
    for (const [name, value] of Object.entries(decisionHeaders(tightest))) setResponseHeader(name, value);
    if (tightest.limited) return appErrorResponse(rateLimitedError(tightest));
    await next();
  };
}
