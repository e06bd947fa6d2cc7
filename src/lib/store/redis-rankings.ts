import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { guarded } from './redis-guard.js';
import type { RankedEntry, RankingStore } from './types.js';

/**
 * Redis sorted sets. ZREVRANGE's order (score, then member, both descending) is the ranking order. Every
 * operation fails fast with StoreUnavailableError while Redis is unreachable (see `guarded`).
 */
export class RedisRankingStore implements RankingStore {
  constructor(private readonly redis: Redis) {}

  setScores(key: string, entries: readonly RankedEntry[]): Promise<void> {
    return guarded(this.redis, () => this.#setScores(key, entries));
  }

  range(key: string, offset: number, limit: number): Promise<RankedEntry[]> {
    return guarded(this.redis, () => this.#range(key, offset, limit));
  }

  position(key: string, member: string): Promise<{ position: number; score: number } | null> {
    return guarded(this.redis, () => this.#position(key, member));
  }

  scores(key: string, members: readonly string[]): Promise<(number | null)[]> {
    return guarded(this.redis, () => this.#scores(key, members));
  }

  size(key: string): Promise<number> {
    return guarded(this.redis, () => this.redis.zcard(key));
  }

  /** Each Redis step is guarded on its own: an error of the batches' source (PostgreSQL) stays what it is. */
  async replace(key: string, batches: AsyncIterable<readonly RankedEntry[]>, ttlMs?: number): Promise<void> {
    // Built aside and renamed over the live key in one step, so readers never see half a ranking.
    const staging = `${key}:rebuild:${randomUUID()}`;
    try {
      let any = false;
      for await (const batch of batches) {
        if (batch.length === 0) continue;
        await this.setScores(staging, batch);
        any = true;
      }
      if (!any) {
        await this.delete(key);
        return;
      }
      const swap = this.redis.multi().rename(staging, key);
      if (ttlMs !== undefined) swap.pexpire(key, Math.max(1, Math.ceil(ttlMs)));
      else swap.persist(key);
      await guarded(this.redis, () => swap.exec().then(results));
    } finally {
      await this.delete(staging).catch(() => undefined);
    }
  }

  expire(key: string, ttlMs: number): Promise<void> {
    return guarded(
      this.redis,
      async () => void (await this.redis.pexpire(key, Math.max(1, Math.ceil(ttlMs)))),
    );
  }

  delete(key: string): Promise<void> {
    return guarded(this.redis, async () => void (await this.redis.del(key)));
  }

  async #setScores(key: string, entries: readonly RankedEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.redis.zadd(key, ...entries.flatMap((entry) => [entry.score, entry.member]));
  }

  async #range(key: string, offset: number, limit: number): Promise<RankedEntry[]> {
    if (limit <= 0) return [];
    const flat = await this.redis.zrevrange(key, offset, offset + limit - 1, 'WITHSCORES');
    const entries: RankedEntry[] = [];
    for (let index = 0; index < flat.length; index += 2)
      entries.push({ member: flat[index]!, score: Number(flat[index + 1]) });
    return entries;
  }

  async #position(key: string, member: string): Promise<{ position: number; score: number } | null> {
    const [rank, score] = await this.redis
      .multi()
      .zrevrank(key, member)
      .zscore(key, member)
      .exec()
      .then(results);
    return rank === null || score === null ? null : { position: Number(rank), score: Number(score) };
  }

  async #scores(key: string, members: readonly string[]): Promise<(number | null)[]> {
    if (members.length === 0) return [];
    const found = await this.redis.zmscore(key, ...members);
    return found.map((score) => (score === null ? null : Number(score)));
  }
}

/** The replies of a MULTI, throwing the first command error. */
function results(replies: [Error | null, unknown][] | null): unknown[] {
  if (!replies) throw new Error('Redis transaction aborted');
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
