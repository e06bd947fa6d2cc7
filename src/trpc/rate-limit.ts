import { spendCallPoint } from '../lib/rate-limit/batch.js';
import { applyDecision, subjectKey } from '../lib/rate-limit/enforce.js';
import type { PolicyName } from '../lib/rate-limit/policies.js';
import { currentRateLimitState } from '../lib/request-context.js';
import type { TrpcContext } from './context.js';

/**
 * tRPC middleware: each procedure call, batched or not, spends one point of the policy its `.meta()`
 * names (`default` otherwise), keyed by the signed-in user or else the client IP, before its input is
 * parsed; a batch's calls of one policy spend together (lib/rate-limit/batch.ts). Throws RATE_LIMITED
 * (429). Services that limit per account (sign-in, email codes) record into the same holder through the
 * request context.
 */
export async function rateLimitProcedure<T>(options: {
  ctx: TrpcContext;
  meta: { rateLimit?: PolicyName } | undefined;
  next: () => Promise<T>;
}): Promise<T> {
  const { ctx, meta, next } = options;
  const limits = ctx.deps.rateLimits;
  const name = meta?.rateLimit ?? 'default';
  const kind = limits.policy(name).key;
  const subject = { userId: ctx.caller?.userId ?? null, ip: ctx.ip };
  // Account policies are spent by the services that know the account; named here, they fall back to the IP.
  const key = subjectKey(kind === 'user-or-ip' ? kind : 'ip', subject);
  const state = currentRateLimitState();
  applyDecision(await spendCallPoint(limits, name, key, state?.batch), state);
  return next();
}
