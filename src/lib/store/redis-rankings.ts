import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RankedEntry, RankingStore } from './types.js';

/** Redis sorted sets. ZREVRANGE's order (score, then member, both descending) is the ranking order. */
export class RedisRankingStore implements RankingStore {
  constructor(private readonly redis: Redis) {}

  async setScores(key: string, entries: readonly RankedEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.redis.zadd(key, ...entries.flatMap((entry) => [entry.score, entry.member]));
  }

  async range(key: string, offset: number, limit: number): Promise<RankedEntry[]> {
    if (limit <= 0) return [];
    const flat = await this.redis.zrevrange(key, offset, offset + limit - 1, 'WITHSCORES');
    const entries: RankedEntry[] = [];
    for (let index = 0; index < flat.length; index += 2)
      entries.push({ member: flat[index]!, score: Number(flat[index + 1]) });
    return entries;
  }

  async position(key: string, member: string): Promise<{ position: number; score: number } | null> {
    const [rank, score] = await this.redis
      .multi()
      .zrevrank(key, member)
      .zscore(key, member)
      .exec()
      .then(results);
    return rank === null || score === null ? null : { position: Number(rank), score: Number(score) };
  }

  async scores(key: string, members: readonly string[]): Promise<(number | null)[]> {
    if (members.length === 0) return [];
    const found = await this.redis.zmscore(key, ...members);
    return found.map((score) => (score === null ? null : Number(score)));
  }

  size(key: string): Promise<number> {
    return this.redis.zcard(key);
  }

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
        await this.redis.del(key);
        return;
      }
      const swap = this.redis.multi().rename(staging, key);
      if (ttlMs !== undefined) swap.pexpire(key, Math.max(1, Math.ceil(ttlMs)));
      else swap.persist(key);
      await swap.exec().then(results);
    } finally {
      await this.redis.del(staging);
    }
  }

  async expire(key: string, ttlMs: number): Promise<void> {
    await this.redis.pexpire(key, Math.max(1, Math.ceil(ttlMs)));
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(key);
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
