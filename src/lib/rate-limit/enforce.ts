import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import { currentRateLimitState } from '../request-context.js';
import { type RateLimitDecision, type RateLimitState, recordDecision } from './decision.js';
import type { RateLimits } from './limiter.js';
import type { PolicyName, RateLimitKeyKind } from './policies.js';

/** Who is calling, as far as rate limits care. */
export interface RateLimitSubject {
  userId: string | null;
  ip: string | null;
}

/** The counter key of a caller under a policy's key kind. Callers without a known IP share one budget. */
export function subjectKey(kind: Exclude<RateLimitKeyKind, 'account'>, subject: RateLimitSubject): string {
  if (kind === 'user-or-ip' && subject.userId) return `user:${subject.userId}`;
  return `ip:${subject.ip ?? 'unknown'}`;
}

/**
 * Spends one point of `name` for `key`, records the decision in the request's holder and throws
 * RATE_LIMITED when the budget is spent.
 */
export async function enforceRateLimit(
  limits: RateLimits,
  name: PolicyName,
  key: string,
  state: RateLimitState | undefined = currentRateLimitState(),
): Promise<void> {
  applyDecision(await limits.consume(name, key), state);
}

/** Records a decision in the request's holder and throws RATE_LIMITED if it refused the call. */
export function applyDecision(
  decision: RateLimitDecision,
  state: RateLimitState | undefined = currentRateLimitState(),
): void {
  if (state) recordDecision(state, decision);
  if (decision.limited) throw rateLimitedError(decision);
}

/** The error of every refused call: RATE_LIMITED, retry when the window resets. */
export function rateLimitedError(decision: RateLimitDecision): AppError {
  return new AppError('RATE_LIMITED', `Too many requests. Try again in ${decision.resetSeconds} second(s).`, {
    retryAfterSeconds: decision.resetSeconds,
  });
}

/**
 * Spends one point of an account policy (e.g. `login-account`) for the account named by `email`, whichever
 * IP the attempt comes from. Call it with the parsed (trimmed, lower-cased) email before doing any work.
 * The key is a hash: the store never holds the address. Throws RATE_LIMITED.
 */
export function enforceAccountLimit(limits: RateLimits, name: PolicyName, email: string): Promise<void> {
  const key = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
  return enforceRateLimit(limits, name, `account:${key}`);
}
