import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { unique } from '../../../test/harness.js';
import { createLogger } from '../logger.js';
import { createMemoryStore } from './memory-store.js';
import { createRedisStore } from './redis-store.js';
import type { RankedEntry, SharedStore } from './types.js';

const redisUrl = inject('redisUrl');

const implementations: [string, () => Promise<SharedStore>][] = [['memory', async () => createMemoryStore()]];
if (redisUrl) {
  implementations.push([
    'redis',
    async () => {
      const store = createRedisStore({ url: redisUrl, log: createLogger({ level: 'silent', env: 'test' }) });
      await store.ready(5_000);
      return store;
    },
  ]);
}

/** The ranking order by brute force: score descending, then member descending (Redis's tie order). */
const expectedOrder = (scores: Map<string, number>): RankedEntry[] =>
  [...scores]
    .map(([member, score]) => ({ member, score }))
    .sort((a, b) => b.score - a.score || (a.member < b.member ? 1 : a.member > b.member ? -1 : 0));

/** A deterministic pseudo-random sequence, so a failure replays. */
function sequence(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe.each(implementations)('%s rankings', (_name, open) => {
  const stores: SharedStore[] = [];
  afterAll(() => Promise.all(stores.map((store) => store.close())));
  const make = async () => {
    const store = await open();
    stores.push(store);
    return store.rankings;
  };

  it('rank members by score, ties by member descending, through updates', async () => {
    const rankings = await make();
    const key = unique('rank');
    const random = sequence(42);
    const scores = new Map<string, number>();
    for (let step = 0; step < 400; step++) {
      const member = `m-${Math.floor(random() * 60)
        .toString()
        .padStart(3, '0')}`;
      const score = Math.floor(random() * 20);
      scores.set(member, score);
      await rankings.setScores(key, [{ member, score }]);
    }
    const order = expectedOrder(scores);
    expect(await rankings.size(key)).toBe(order.length);
    expect(await rankings.range(key, 0, 1_000)).toEqual(order);
    expect(await rankings.range(key, 10, 5)).toEqual(order.slice(10, 15));
    for (const [index, entry] of order.entries()) {
      expect(await rankings.position(key, entry.member)).toEqual({ position: index, score: entry.score });
    }
    expect(await rankings.position(key, 'nobody')).toBeNull();
    expect(await rankings.scores(key, [order[0]!.member, 'nobody'])).toEqual([order[0]!.score, null]);
    await rankings.delete(key);
    expect(await rankings.size(key)).toBe(0);
  });

  it('replace a ranking whole, readers seeing the old one until the new one is complete', async () => {
    const rankings = await make();
    const key = unique('rank');
    await rankings.setScores(key, [{ member: 'old', score: 1 }]);
    let releaseSecond!: () => void;
    const second = new Promise<void>((resolve) => {
      releaseSecond = resolve;
    });
    async function* batches() {
      yield [
        { member: 'a', score: 5 },
        { member: 'b', score: 7 },
      ];
      await second;
      yield [{ member: 'c', score: 6 }];
    }
    const replacing = rankings.replace(key, batches(), 60_000);
    await sleep(20);
    expect(await rankings.range(key, 0, 10)).toEqual([{ member: 'old', score: 1 }]);
    releaseSecond();
    await replacing;
    expect(await rankings.range(key, 0, 10)).toEqual([
      { member: 'b', score: 7 },
      { member: 'c', score: 6 },
      { member: 'a', score: 5 },
    ]);
  });

  it('expire when told to', async () => {
    const rankings = await make();
    const key = unique('rank');
    await rankings.setScores(key, [{ member: 'x', score: 1 }]);
    await rankings.expire(key, 50);
    await sleep(120);
    expect(await rankings.size(key)).toBe(0);
    async function* none() {}
    await rankings.replace(key, none());
    expect(await rankings.range(key, 0, 10)).toEqual([]);
  });
});
