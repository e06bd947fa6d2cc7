import { describe, expect, it } from 'vitest';
import {
  createRateLimitState,
  type RateLimitDecision,
  rateLimitHeaders,
  recordDecision,
} from './decision.js';
import { rateLimitedError } from './enforce.js';
import { RATE_LIMIT_POLICIES } from './policies.js';

describe('rate limit policies', () => {
  it('names every policy once, with a window of at least one second', () => {
    const names = RATE_LIMIT_POLICIES.map((policy) => policy.name);
    expect(new Set(names).size).toBe(names.length);
    for (const policy of RATE_LIMIT_POLICIES) expect(policy.durationSeconds).toBeGreaterThanOrEqual(1);
  });
});

const decision = (overrides: Partial<RateLimitDecision>): RateLimitDecision => ({
  policy: 'default',
  limit: 10,
  remaining: 5,
  resetSeconds: 30,
  limited: false,
  ...overrides,
});

describe('rate limit state', () => {
  it('keeps the tightest decision of the request', () => {
    const state = createRateLimitState();
    recordDecision(state, decision({ policy: 'a', remaining: 5 }));
    recordDecision(state, decision({ policy: 'b', remaining: 2 }));
    recordDecision(state, decision({ policy: 'c', remaining: 9 }));
    expect(state.decision?.policy).toBe('b');
    recordDecision(state, decision({ policy: 'd', remaining: 0, limited: true, resetSeconds: 5 }));
    recordDecision(state, decision({ policy: 'e', remaining: 0, limited: true, resetSeconds: 50 }));
    recordDecision(state, decision({ policy: 'f', remaining: 0 }));
    expect(state.decision?.policy).toBe('e');
  });

  it('writes RateLimit-* headers of the tightest decision', () => {
    expect(rateLimitHeaders(createRateLimitState())).toEqual({});
    const state = createRateLimitState();
    recordDecision(state, decision({ limit: 10, remaining: 4, resetSeconds: 30 }));
    expect(rateLimitHeaders(state)).toEqual({
      'ratelimit-limit': '10',
      'ratelimit-remaining': '4',
      'ratelimit-reset': '30',
    });
    recordDecision(state, decision({ limit: 3, remaining: 0, resetSeconds: 12, limited: true }));
    expect(rateLimitHeaders(state)).toEqual({
      'ratelimit-limit': '3',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '12',
    });
  });

  it('refuses with a 429 that asks the client to wait until the window resets', () => {
    const refusal = rateLimitedError(decision({ remaining: 0, resetSeconds: 12, limited: true }));
    expect(refusal).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterSeconds: 12 });
  });
});
