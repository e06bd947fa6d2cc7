import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { StoreAvailability } from './availability.js';
import { guarded } from './redis-guard.js';
import { RedisRankingStore } from './redis-rankings.js';
import type { KeyValueStore, MessageHandler, PubSub, SharedStore } from './types.js';

/** Counter increment that sets the TTL only when the key is created, atomically. */
const INCREMENT_WITH_TTL = `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if value == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`;

/** Redis strings and counters. Every operation fails fast with StoreUnavailableError while Redis is down. */
export class RedisKeyValueStore implements KeyValueStore {
  readonly kind = 'redis' as const;

  constructor(private readonly redis: Redis) {}

  get(key: string): Promise<string | null> {
    return guarded(this.redis, () => this.redis.get(key));
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    return guarded(this.redis, async () => {
      if (ttlMs === undefined) await this.redis.set(key, value);
      else await this.redis.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
    });
  }

  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return guarded(
      this.redis,
      async () => (await this.redis.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK',
    );
  }

  delete(key: string): Promise<void> {
    return guarded(this.redis, async () => void (await this.redis.del(key)));
  }

  increment(key: string, by: number, ttlMs: number): Promise<number> {
    return guarded(this.redis, async () =>
      Number(await this.redis.eval(INCREMENT_WITH_TTL, 1, key, by, Math.max(1, Math.ceil(ttlMs)))),
    );
  }

  ttl(key: string): Promise<number | null> {
    return guarded(this.redis, async () => {
      const ms = await this.redis.pttl(key);
      return ms < 0 ? null : ms;
    });
  }

  ping(): Promise<void> {
    return guarded(this.redis, async () => void (await this.redis.ping()));
  }
}

/** Redis pub/sub. Subscriptions need a connection of their own, opened on first use. */
/** How long a SUBSCRIBE may take, the subscriber connection's connecting included. */
const SUBSCRIBE_TIMEOUT_MS = 10_000;

export class RedisPubSub implements PubSub {
  #subscriber: Redis | undefined;
  readonly #handlers = new Map<string, Set<MessageHandler>>();

  constructor(
    private readonly publisher: Redis,
    private readonly log: Logger,
  ) {}

  // Both refused at once while Redis is lost (StoreUnavailableError, a typed 503), as the store's commands are.
  async publish(channel: string, message: string): Promise<void> {
    await guarded(this.publisher, () => this.publisher.publish(channel, message));
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const subscriber = this.#connection();
    let handlers = this.#handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
      await guarded(this.publisher, () => subscriber.subscribe(channel)).catch((error: unknown) => {
        this.#handlers.delete(channel);
        throw error;
      });
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
      // The store's 1 s command timeout would count this connection's own connecting, which on a busy
      // machine takes longer; a SUBSCRIBE is sent only while the store answers (see subscribe).
      const subscriber = this.publisher.duplicate({
        enableOfflineQueue: true,
        maxRetriesPerRequest: null,
        commandTimeout: SUBSCRIBE_TIMEOUT_MS,
      });
      subscriber.on('message', (channel: string, message: string) => {
        for (const handler of this.#handlers.get(channel) ?? []) {
          try {
            handler(message);
          } catch (error) {
            this.log.error({ err: error, channel }, 'pub/sub handler failed');
          }
        }
      });
      // Every reconnection attempt during an outage errors: the store's own connection logs the outage once.
      subscriber.on('error', (error) => this.log.debug({ err: error }, 'redis subscriber connection error'));
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
  /** How long one command may take before it counts as an outage for its caller (default 1000 ms). */
  commandTimeoutMs?: number;
}

export type RedisStore = SharedStore & {
  redis: Redis;
  availability: StoreAvailability;
  ready(timeoutMs: number): Promise<void>;
};

/**
 * Connects to Redis for the store's own commands (caches, counters, rankings, rate limits). Losing Redis
 * degrades the service instead of stopping it, so this connection never makes a request wait on it:
 * commands are refused at once while it is down (no offline queue), a command in flight when it drops
 * fails instead of waiting for a reconnection (`maxRetriesPerRequest: 0`), and a command Redis does not
 * answer in `commandTimeoutMs` fails. Meanwhile the client reconnects in the background forever, so the
 * store comes back by itself. The loss and the recovery are logged once each.
 *
 * Not for blocking consumers: BullMQ workers need `maxRetriesPerRequest: null` and an offline queue, and
 * must open a connection of their own from the URL rather than reuse `redis`.
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const redis = new Redis(options.url, {
    connectionName: options.connectionName ?? 'linguamate-api',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 5_000,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(2 ** attempt * 50, 2_000),
    // Commands issued in the same tick (a request's rate limit, session check and reads, and those of
    // concurrent requests) leave in one write: one system call instead of one each.
    enableAutoPipelining: true,
  });
  const availability = trackAvailability(redis, options.log);
  const pubsub = new RedisPubSub(redis, options.log);
  return {
    redis,
    availability,
    kv: new RedisKeyValueStore(redis),
    rankings: new RedisRankingStore(redis),
    pubsub,
    ready: (timeoutMs) => waitUntilReady(redis, timeoutMs),
    async close() {
      availability.closing = true;
      await pubsub.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * Follows the connection: up from `ready` to `close`. The first loss and each recovery are logged once;
 * the connection errors of every reconnection attempt in between only at debug level.
 */
function trackAvailability(redis: Redis, log: Logger): StoreAvailability & { closing: boolean } {
  const listeners = new Set<(up: boolean) => void>();
  let up = false;
  let downSince: Date | null = new Date();
  let everUp = false;
  let lastError: Error | undefined;
  const emit = () => {
    for (const listener of listeners) {
      try {
        listener(up);
      } catch (error) {
        log.error({ err: error }, 'store availability listener failed');
      }
    }
  };
  const state = {
    closing: false,
    get up() {
      return up;
    },
    get downSince() {
      return downSince;
    },
    onChange(listener: (up: boolean) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  redis.on('error', (error: Error) => {
    lastError = error;
    log.debug({ err: error }, 'redis connection error');
  });
  redis.on('ready', () => {
    if (up) return;
    const downForMs = downSince ? Date.now() - downSince.getTime() : 0;
    up = true;
    downSince = null;
    lastError = undefined;
    if (everUp)
      log.warn({ downForMs }, 'redis is back: caches, shared rate limits and revocation marks resume');
    everUp = true;
    emit();
  });
  redis.on('close', () => {
    if (!up || state.closing) return;
    up = false;
    downSince = new Date();
    log.error(
      { err: lastError },
      'redis connection lost: serving degraded (caches bypassed, rate limits in process, revocations checked in the database) while reconnecting',
    );
    emit();
  });
  return state;
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
