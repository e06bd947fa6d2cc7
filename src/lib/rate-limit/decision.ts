import type { PolicyName } from './policies.js';

/** The answer of one limiter for one call. */
export interface RateLimitDecision {
  policy: string;
  limit: number;
  remaining: number;
  /** Seconds until the window of this key ends and its budget is full again. */
  resetSeconds: number;
  limited: boolean;
}

/**
 * What the calls of one tRPC batch will spend: how many of them name each policy (batch.ts). A batch of 20
 * events spent one call at a time costs 20 store round trips; spent together, one.
 */
export interface BatchSpending {
  readonly expected: ReadonlyMap<PolicyName, number>;
  readonly groups: Map<string, { taken: number; decisions: Promise<RateLimitDecision[]> }>;
}

/**
 * Per-request holder of the most restrictive decision seen so far. A tRPC batch runs several procedures,
 * each against its own policy; the response headers describe the tightest of them.
 */
export interface RateLimitState {
  decision: RateLimitDecision | null;
  /** In a tRPC batch: the points its calls spend together (batch.ts). */
  batch?: BatchSpending;
}

export function createRateLimitState(batch?: BatchSpending): RateLimitState {
  return batch ? { decision: null, batch } : { decision: null };
}

/** Keeps `decision` if it is tighter: a refusal beats any allowance (the longest wait wins), else fewer left. */
export function recordDecision(state: RateLimitState, decision: RateLimitDecision): void {
  const current = state.decision;
  if (!current || tighter(decision, current)) state.decision = decision;
}

function tighter(a: RateLimitDecision, b: RateLimitDecision): boolean {
  if (a.limited !== b.limited) return a.limited;
  if (a.limited) return a.resetSeconds > b.resetSeconds;
  if (a.remaining !== b.remaining) return a.remaining < b.remaining;
  return a.resetSeconds > b.resetSeconds;
}

/**
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds) of the tightest decision; empty
 * when no limit applied to the request. A refusal's `Retry-After` travels with its error (AppError).
 */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return state.decision ? decisionHeaders(state.decision) : {};
}

/** The headers of one decision; see `rateLimitHeaders`. */
export function decisionHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(decision.resetSeconds),
  };
}
