import type { Redis } from 'ioredis';

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
  /** The Redis client, for the Redis implementation only: libraries that speak Redis themselves need it. */
  redis?: Redis;
  pubsub: PubSub;
  close(): Promise<void>;
}
