import { createHash } from 'node:crypto';

/** What evaluation needs of a flag: the snapshot every instance keeps in memory. */
export interface FlagRule {
  key: string;
  enabled: boolean;
  /** 0..100: the share of users (by `rolloutBucket`) the flag is on for while enabled. */
  rolloutPercent: number;
  /** Whether any user has an override: when none has, no user's overrides need to be looked up. */
  hasOverrides: boolean;
}

/** Why a flag answered as it did, in OpenFeature's standard reasons. */
export type FlagReason = 'TARGETING_MATCH' | 'SPLIT' | 'DEFAULT' | 'DISABLED';

export interface FlagDecision {
  value: boolean;
  reason: FlagReason;
}

/**
 * The user's bucket for a flag, 0..99: the first 4 bytes of sha256(`<flagKey>:<userId>`) modulo 100.
 * Stable across instances and restarts; keyed by the flag too, so the same users are not always first.
 */
export function rolloutBucket(flagKey: string, userId: string): number {
  return createHash('sha256').update(`${flagKey}:${userId}`).digest().readUInt32BE(0) % 100;
}

/**
 * The contract's evaluation rule (admin contract, "Evaluation"): a user's override wins, either way;
 * else the flag is on when enabled and the user's bucket is below `rolloutPercent`. Enabled at 100 is on
 * for everyone, anonymous callers (`userId` null) included; a partial rollout is off for them.
 */
export function decide(flag: FlagRule, userId: string | null, override: boolean | undefined): FlagDecision {
  if (override !== undefined) return { value: override, reason: 'TARGETING_MATCH' };
  if (!flag.enabled) return { value: false, reason: 'DISABLED' };
  if (flag.rolloutPercent >= 100) return { value: true, reason: 'DEFAULT' };
  if (flag.rolloutPercent <= 0 || userId === null) return { value: false, reason: 'DEFAULT' };
  return { value: rolloutBucket(flag.key, userId) < flag.rolloutPercent, reason: 'SPLIT' };
}
