import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { RedisRankingStore } from './redis-rankings.js';
import type { KeyValueStore, MessageHandler, PubSub, SharedStore } from './types.js';

/** Counter increment that sets the TTL only when the key is created, atomically. */
const INCREMENT_WITH_TTL = `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if value == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`;

export class RedisKeyValueStore implements KeyValueStore {
  readonly kind = 'redis' as const;

  constructor(private readonly redis: Redis) {}

  get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.redis.set(key, value);
    else await this.redis.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async increment(key: string, by: number, ttlMs: number): Promise<number> {
    return Number(await this.redis.eval(INCREMENT_WITH_TTL, 1, key, by, Math.max(1, Math.ceil(ttlMs))));
  }

  async ttl(key: string): Promise<number | null> {
    const ms = await this.redis.pttl(key);
    return ms < 0 ? null : ms;
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }
}

/** Redis pub/sub. Subscriptions need a connection of their own, opened on first use. */
export class RedisPubSub implements PubSub {
  #subscriber: Redis | undefined;
  readonly #handlers = new Map<string, Set<MessageHandler>>();

  constructor(
    private readonly publisher: Redis,
    private readonly log: Logger,
  ) {}

  async publish(channel: string, message: string): Promise<void> {
    await this.publisher.publish(channel, message);
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const subscriber = this.#connection();
    let handlers = this.#handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
      await subscriber.subscribe(channel);
    }
    handlers.add(handler);
    return async () => {
      const current = this.#handlers.get(channel);
      if (!current?.delete(handler) || current.size > 0) return;
      this.#handlers.delete(channel);
      await subscriber.unsubscribe(channel);
    };
  }

  async close(): Promise<void> {
    this.#handlers.clear();
    await this.#subscriber?.quit().catch(() => this.#subscriber?.disconnect());
  }

  #connection(): Redis {
    if (!this.#subscriber) {
      // Subscriptions are long-lived: queue them while connecting, and ioredis re-subscribes on reconnect.
      const subscriber = this.publisher.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
      subscriber.on('message', (channel: string, message: string) => {
        for (const handler of this.#handlers.get(channel) ?? []) {
          try {
            handler(message);
          } catch (error) {
            this.log.error({ err: error, channel }, 'pub/sub handler failed');
          }
        }
      });
      subscriber.on('error', (error) => this.log.warn({ err: error }, 'redis subscriber connection error'));
      this.#subscriber = subscriber;
    }
    return this.#subscriber;
  }
}

export interface RedisStoreOptions {
  url: string;
  log: Logger;
  /** Name shown in `CLIENT LIST`, to tell instances apart. */
  connectionName?: string;
}

/**
 * Connects to Redis. Commands fail fast while the connection is down (no offline queue), so callers see an
 * error instead of hanging, and readiness reports Redis as the failing dependency.
 */
export function createRedisStore(
  options: RedisStoreOptions,
): SharedStore & { redis: Redis; ready(timeoutMs: number): Promise<void> } {
  const redis = new Redis(options.url, {
    connectionName: options.connectionName ?? 'linguamate-api',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    commandTimeout: 2_000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(2 ** attempt * 50, 2_000),
    // Commands issued in the same tick (a request's rate limit, session check and reads, and those of
    // concurrent requests) leave in one write: one system call instead of one each.
    enableAutoPipelining: true,
  });
  redis.on('error', (error) => options.log.warn({ err: error }, 'redis connection error'));
  const pubsub = new RedisPubSub(redis, options.log);
  return {
    redis,
    kv: new RedisKeyValueStore(redis),
    rankings: new RedisRankingStore(redis),
    pubsub,
    ready: (timeoutMs) => waitUntilReady(redis, timeoutMs),
    async close() {
      await pubsub.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Resolves once the connection is usable; rejects after `timeoutMs` naming the last connection error. */
function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (error: Error) => {
      lastError = error;
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new Error(`Redis not reachable within ${timeoutMs} ms${lastError ? `: ${lastError.message}` : ''}`),
      );
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
    };
    redis.on('ready', onReady);
    redis.on('error', onError);
  });
}
