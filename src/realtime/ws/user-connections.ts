import type { Redis } from 'ioredis';
import type { Logger } from '../../lib/logger.js';

/**
 * Open WebSockets per user, counted across every instance. Each connection is a member with an expiry
 * that its instance renews on every heartbeat, so the connections of an instance that crashed stop
 * counting within `ttlMs` instead of leaking.
 */
export interface UserConnections {
  /** Counts a new connection and returns how many the user now has (itself included). */
  add(userId: string, connectionId: string): Promise<number>;
  remove(userId: string, connectionId: string): Promise<void>;
  /** Renews the expiry of this instance's live connections. */
  renew(connections: readonly { userId: string; connectionId: string }[]): Promise<void>;
}

const keyOf = (userId: string) => `ws:conns:${userId}`;

/**
 * On Redis: one sorted set per user, members scored by their expiry time; expired members are dropped
 * when counting. Without Redis (embedded mode, one instance): the same in process memory. A store
 * failure lets the connection in (logged): a count must not take the realtime service down.
 */
export function createUserConnections(options: {
  redis: Redis | undefined;
  ttlMs: number;
  log: Logger;
}): UserConnections {
  const { redis, ttlMs, log } = options;
  if (!redis) return memoryUserConnections(ttlMs);
  return {
    async add(userId, connectionId) {
      const key = keyOf(userId);
      const now = Date.now();
      try {
        const results = await redis
          .multi()
          .zremrangebyscore(key, '-inf', now)
          .zadd(key, now + ttlMs, connectionId)
          .zcard(key)
          .pexpire(key, ttlMs)
          .exec();
        return Number(results?.[2]?.[1] ?? 0);
      } catch (error) {
        log.warn({ err: error }, 'WebSocket connection count unavailable: connection let in');
        return 0;
      }
    },
    async remove(userId, connectionId) {
      await redis.zrem(keyOf(userId), connectionId).catch((error: unknown) => {
        log.warn({ err: error }, 'WebSocket connection count not decreased (it expires by itself)');
      });
    },
    async renew(connections) {
      if (connections.length === 0) return;
      const expiresAt = Date.now() + ttlMs;
      const pipeline = redis.pipeline();
      for (const { userId, connectionId } of connections) {
        pipeline.zadd(keyOf(userId), 'XX', expiresAt, connectionId);
        pipeline.pexpire(keyOf(userId), ttlMs);
      }
      await pipeline.exec().catch((error: unknown) => {
        log.warn({ err: error }, 'WebSocket connection counts not renewed');
      });
    },
  };
}

function memoryUserConnections(ttlMs: number): UserConnections {
  const users = new Map<string, Map<string, number>>();
  return {
    async add(userId, connectionId) {
      const now = Date.now();
      const members = users.get(userId) ?? new Map<string, number>();
      users.set(userId, members);
      for (const [id, expiresAt] of members) if (expiresAt <= now) members.delete(id);
      members.set(connectionId, now + ttlMs);
      return members.size;
    },
    async remove(userId, connectionId) {
      const members = users.get(userId);
      members?.delete(connectionId);
      if (members?.size === 0) users.delete(userId);
    },
    async renew(connections) {
      const expiresAt = Date.now() + ttlMs;
      for (const { userId, connectionId } of connections) {
        const members = users.get(userId);
        if (members?.has(connectionId)) members.set(connectionId, expiresAt);
      }
    },
  };
}
