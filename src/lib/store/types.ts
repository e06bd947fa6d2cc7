import type { Redis } from 'ioredis';
import type { StoreAvailability } from './availability.js';

/**
 * Small interfaces over the shared fast store. Redis implements them when `REDIS_URL` is set; the in-process
 * implementation serves the single-instance embedded mode. Callers never know which one they have.
 */
export interface KeyValueStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  /** Sets a value; with `ttlMs` it expires by itself. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only when the key does not exist. Returns whether it was set. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Adds `by` to a counter and returns the new value; the TTL is applied when the counter is created. */
  increment(key: string, by: number, ttlMs: number): Promise<number>;
  /** Milliseconds until the key expires, or null when it has no TTL or does not exist. */
  ttl(key: string): Promise<number | null>;
  ping(): Promise<void>;
}

export type MessageHandler = (message: string) => void;

/** Fan-out to every instance. Delivery is at-most-once, as with Redis pub/sub. */
export interface PubSub {
  publish(channel: string, message: string): Promise<void>;
  /** Subscribes; the returned function unsubscribes this handler. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
}

export interface SharedStore {
  kv: KeyValueStore;
  rankings: RankingStore;
  /** The Redis client, for the Redis implementation only: libraries that speak Redis themselves need it. */
  redis?: Redis;
  pubsub: PubSub;
  /** Whether the store answers now; the in-process store always does. */
  availability: StoreAvailability;
  close(): Promise<void>;
}

/** A member of a ranking and its score. */
export interface RankedEntry {
  member: string;
  score: number;
}

/**
 * Rankings (Redis sorted sets): members ordered by score, highest first, members with equal scores by
 * member, descending — Redis's own order, which the in-process implementation reproduces, so both modes
 * answer the same ranks.
 */
export interface RankingStore {
  /** Sets the scores of these members, adding those not yet ranked. */
  setScores(key: string, entries: readonly RankedEntry[]): Promise<void>;
  /** The entries at 0-based positions `offset` … `offset + limit - 1`. */
  range(key: string, offset: number, limit: number): Promise<RankedEntry[]>;
  /** A member's 0-based position and score, or null when it is not ranked. */
  position(key: string, member: string): Promise<{ position: number; score: number } | null>;
  /** The scores of these members, null for those not ranked. */
  scores(key: string, members: readonly string[]): Promise<(number | null)[]>;
  /** How many members are ranked. */
  size(key: string): Promise<number>;
  /**
   * Replaces the whole ranking with these batches of entries, atomically for readers: they see the old
   * ranking until the new one is complete. With `ttlMs` it expires by itself.
   */
  replace(key: string, batches: AsyncIterable<readonly RankedEntry[]>, ttlMs?: number): Promise<void>;
  /** Sets when the ranking expires. */
  expire(key: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}
