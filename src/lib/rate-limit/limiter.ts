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
  metrics: Pick<Metrics, 'rateLimitFallbacks'>;
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

  return {
    storeKind: store.redis ? 'redis' : 'memory',
    policy: (name) => policies.get(name)!,
    async consume(name, key) {
      const policy = policies.get(name)!;
      try {
        return decisionOf(policy, await limiters.get(name)!.consume(key), false);
      } catch (error) {
        if (error instanceof RateLimiterRes) return decisionOf(policy, error, true);
        // Not a refusal and not a Redis fault (those fall back): a bug. Let the call through, loudly.
        log.error({ err: error, policy: name }, 'rate limiter failed; allowing the call');
        return {
          policy: name,
          limit: policy.points,
          remaining: policy.points,
          resetSeconds: policy.durationSeconds,
          limited: false,
        };
      }
    },
  };
}

function decisionOf(policy: RateLimitPolicy, result: RateLimiterRes, limited: boolean): RateLimitDecision {
  return {
    policy: policy.name,
    limit: policy.points,
    remaining: limited ? 0 : result.remainingPoints,
    resetSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)),
    limited,
  };
}
