import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { SharedStore } from '../store/types.js';
import type { RateLimitDecision } from './decision.js';
import { type PolicyName, RATE_LIMIT_POLICIES, type RateLimitPolicy } from './policies.js';

/** Test-only budgets, e.g. `{ default: { points: 3 } }` or a 1-second window to watch keys expire. */
export type PolicyOverrides = Partial<
  Record<PolicyName, Partial<Pick<RateLimitPolicy, 'points' | 'durationSeconds'>>>
>;

export interface RateLimitsOptions {
  /** With a Redis client the counters are shared by every instance; without one they live in this process. */
  store: Pick<SharedStore, 'redis'>;
  log: Logger;
  metrics: Pick<Metrics, 'rateLimitFallbacks' | 'business'>;
  /** Namespace of the counters. Instances that must share budgets share it; tests use one each. */
  keyPrefix?: string;
  policies?: PolicyOverrides;
}

export interface RateLimits {
  readonly storeKind: 'redis' | 'memory';
  policy(name: PolicyName): RateLimitPolicy;
  /**
   * Spends one point of the policy for `key` and says whether the call may go ahead. Never throws: when
   * Redis fails, the call is counted in this process instead (logged and counted as a fallback).
   */
  consume(name: PolicyName, key: string): Promise<RateLimitDecision>;
  /**
   * Spends `count` points in one store operation and answers, for each, the decision it would have had
   * spent alone in this order: those past the budget are refused. Never throws (see `consume`).
   */
  consumeMany(name: PolicyName, key: string, count: number): Promise<RateLimitDecision[]>;
  /** The key's state without spending anything; null when the key has nothing in its window. */
  peek(name: PolicyName, key: string): Promise<KeyState | null>;
  /** Spends the key's whole budget for `seconds`, whatever its window: a lock. */
  block(name: PolicyName, key: string, seconds: number): Promise<void>;
  /** Forgets the key, so its budget is whole again. */
  reset(name: PolicyName, key: string): Promise<void>;
}

/** What a key has spent: points used in its window, and seconds until the window (or a block) ends. */
export interface KeyState {
  used: number;
  resetSeconds: number;
  /** Nothing is left (used up, or blocked): a `consume` now would be refused. */
  exhausted: boolean;
}

/**
 * The in-process limiter that a Redis limiter falls back to. It is used only when Redis failed, so each use
 * is a fallback and reports itself. Only `consume` is overridden: it is all `RateLimits` calls.
 */
class FallbackLimiter extends RateLimiterMemory {
  readonly #onUse: () => void;

  constructor(options: ConstructorParameters<typeof RateLimiterMemory>[0], onUse: () => void) {
    super(options);
    this.#onUse = onUse;
  }

  override consume(key: string | number, points?: number, options?: Record<string, unknown>) {
    this.#onUse();
    return super.consume(key, points, options);
  }
}

/**
 * Builds one limiter per policy on the shared store: Redis (atomic, shared by all instances, with an
 * in-process insurance limiter for outages) or, in embedded mode, memory. Counters expire with their window.
 */
export function createRateLimits(options: RateLimitsOptions): RateLimits {
  const { store, log, metrics } = options;
  const keyPrefix = options.keyPrefix ?? 'rl';
  // At most one fallback log line per interval: an outage would otherwise log every request.
  const logIntervalMs = 10_000;
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;

  const onFallback = (policy: string) => {
    metrics.rateLimitFallbacks.inc({ policy });
    const now = performance.now();
    if (now - lastLoggedAt < logIntervalMs) {
      suppressed += 1;
      return;
    }
    log.warn(
      { policy, suppressedSinceLastLog: suppressed },
      'rate limit store unreachable: counting in this process only',
    );
    lastLoggedAt = now;
    suppressed = 0;
  };

  const policies = new Map<PolicyName, RateLimitPolicy>();
  const limiters = new Map<PolicyName, RateLimiterMemory | RateLimiterRedis>();
  for (const base of RATE_LIMIT_POLICIES) {
    const policy: RateLimitPolicy = { ...base, ...options.policies?.[base.name] };
    const limiterOptions = {
      keyPrefix: `${keyPrefix}:${policy.name}`,
      points: policy.points,
      duration: policy.durationSeconds,
    };
    policies.set(base.name, policy);
    metrics.business.rateLimitHits.inc({ policy: policy.name }, 0);
    limiters.set(
      base.name,
      store.redis
        ? new RateLimiterRedis({
            ...limiterOptions,
            storeClient: store.redis,
            // Don't wait on a connection that is down: go straight to the insurance limiter.
            rejectIfRedisNotReady: true,
            insuranceLimiter: new FallbackLimiter(limiterOptions, () => onFallback(policy.name)),
          })
        : new RateLimiterMemory(limiterOptions),
    );
  }

  // peek, block and reset never throw either: a store fault is logged and reads as an unused key.
  const tolerate = async <T>(name: PolicyName, operation: string, work: () => Promise<T>, fallback: T) => {
    try {
      return await work();
    } catch (error) {
      log.error({ err: error, policy: name, operation }, 'rate limiter failed');
      return fallback;
    }
  };

  // Every refusal is counted here, whichever caller asked: `rate_limit_hits_total` by policy.
  const counted = (decisions: RateLimitDecision[]) => {
    const refused = decisions.filter((decision) => decision.limited).length;
    if (refused > 0) metrics.business.rateLimitHits.inc({ policy: decisions[0]!.policy }, refused);
    return decisions;
  };

  const consumeMany = async (name: PolicyName, key: string, count: number): Promise<RateLimitDecision[]> => {
    const policy = policies.get(name)!;
    try {
      return counted(decisionsOf(policy, await limiters.get(name)!.consume(key, count), count));
    } catch (error) {
      if (error instanceof RateLimiterRes) return counted(decisionsOf(policy, error, count));
      // Not a refusal and not a Redis fault (those fall back): a bug. Let the calls through, loudly.
      log.error({ err: error, policy: name }, 'rate limiter failed; allowing the call');
      return Array.from({ length: count }, () => ({
        policy: name,
        limit: policy.points,
        remaining: policy.points,
        resetSeconds: policy.durationSeconds,
        limited: false,
      }));
    }
  };

  return {
    storeKind: store.redis ? 'redis' : 'memory',
    policy: (name) => policies.get(name)!,
    peek: (name, key) =>
      tolerate(
        name,
        'peek',
        async () => {
          const result = await limiters.get(name)!.get(key);
          if (!result) return null;
          return {
            used: result.consumedPoints,
            resetSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)),
            exhausted: result.consumedPoints >= policies.get(name)!.points,
          };
        },
        null,
      ),
    block: (name, key, seconds) =>
      tolerate(name, 'block', async () => void (await limiters.get(name)!.block(key, seconds)), undefined),
    reset: (name, key) =>
      tolerate(name, 'reset', async () => void (await limiters.get(name)!.delete(key)), undefined),
    consume: async (name, key) => (await consumeMany(name, key, 1))[0]!,
    consumeMany,
  };
}

/**
 * The decisions of `count` points spent at once, one by one: `consumedPoints` counts them all, so the
 * i-th had used `consumedPoints - count + i + 1` of the budget, and is refused past it.
 */
function decisionsOf(policy: RateLimitPolicy, result: RateLimiterRes, count: number): RateLimitDecision[] {
  const resetSeconds = Math.max(1, Math.ceil(result.msBeforeNext / 1000));
  return Array.from({ length: count }, (_, index) => {
    const used = result.consumedPoints - count + index + 1;
    const limited = used > policy.points;
    return {
      policy: policy.name,
      limit: policy.points,
      remaining: limited ? 0 : policy.points - used,
      resetSeconds,
      limited,
    };
  });
}
