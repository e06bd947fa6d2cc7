import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decide, type FlagRule, rolloutBucket } from './evaluate.js';

const flag = (overrides: Partial<FlagRule> = {}): FlagRule => ({
  key: 'new-thing',
  enabled: true,
  rolloutPercent: 100,
  hasOverrides: false,
  ...overrides,
});

describe('rolloutBucket', () => {
  it('is the first 4 bytes of sha256(key:user) modulo 100, the same every time', () => {
    // sha256('new-thing:alice') starts with a6 00 ff a7: 2785083303 % 100 = 3.
    expect(rolloutBucket('new-thing', 'alice')).toBe(3);
    expect(rolloutBucket('new-thing', 'alice')).toBe(3);
    expect(rolloutBucket('other-thing', 'alice')).toBe(58);
  });

  it('spreads users evenly over the buckets', () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) counts[Math.floor(rolloutBucket('spread', randomUUID()) / 10)]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(850);
  });
});

describe('decide', () => {
  it('lets an override win either way, even on a disabled flag', () => {
    expect(decide(flag({ enabled: false }), 'u', true)).toEqual({ value: true, reason: 'TARGETING_MATCH' });
    expect(decide(flag(), 'u', false)).toEqual({ value: false, reason: 'TARGETING_MATCH' });
  });

  it('is off while disabled, on for everyone at 100, off for everyone at 0', () => {
    expect(decide(flag({ enabled: false }), 'u', undefined)).toEqual({ value: false, reason: 'DISABLED' });
    expect(decide(flag(), null, undefined)).toEqual({ value: true, reason: 'DEFAULT' });
    expect(decide(flag({ rolloutPercent: 0 }), 'u', undefined)).toEqual({ value: false, reason: 'DEFAULT' });
  });

  it('splits by bucket, and is off for anonymous callers on a partial rollout', () => {
    // alice's bucket for new-thing is 3: on from 4 % up.
    const partial = flag({ rolloutPercent: 4 });
    expect(decide(partial, 'alice', undefined)).toEqual({ value: true, reason: 'SPLIT' });
    expect(decide(flag({ rolloutPercent: 3 }), 'alice', undefined)).toEqual({
      value: false,
      reason: 'SPLIT',
    });
    expect(decide(partial, null, undefined)).toEqual({ value: false, reason: 'DEFAULT' });
  });
});
