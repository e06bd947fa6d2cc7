import { enforceRateLimit, subjectKey } from '../lib/rate-limit/enforce.js';
import { policyForProcedure } from '../lib/rate-limit/policies.js';
import type { TrpcContext } from './context.js';

/**
 * tRPC middleware: each procedure call, batched or not, spends one point of its own policy
 * (`policyForProcedure`), keyed by the signed-in user or else the client IP, before its input is parsed.
 * Throws RATE_LIMITED (429). Services that limit per account (login, email codes) record into the same
 * holder through the request context.
 */
export async function rateLimitProcedure<T>(options: {
  ctx: TrpcContext;
  path: string;
  next: () => Promise<T>;
}): Promise<T> {
  const { ctx, path, next } = options;
  const limits = ctx.deps.rateLimits;
  const name = policyForProcedure(path);
  const kind = limits.policy(name).key;
  const subject = { userId: ctx.caller?.userId ?? null, ip: ctx.ip };
  // Account policies are spent by the services; a table entry naming one here falls back to the IP.
  await enforceRateLimit(limits, name, subjectKey(kind === 'account' ? 'ip' : kind, subject));
  return next();
}
