import type { RankedEntry, RankingStore } from './types.js';

interface Ranking {
  /** Members in rank order: score descending, then member descending. */
  order: RankedEntry[];
  byMember: Map<string, number>;
  expiresAt: number | null;
}

/** Whether `a` ranks before `b`. */
const before = (a: RankedEntry, b: RankedEntry) =>
  a.score > b.score || (a.score === b.score && a.member > b.member);

/**
 * In-process rankings for the embedded single-instance mode: a sorted array per key, kept in order on
 * every write (binary search, then one splice), so reads of a page or a position cost a slice or a search.
 */
export class MemoryRankingStore implements RankingStore {
  readonly #rankings = new Map<string, Ranking>();

  constructor(private readonly now: () => number = Date.now) {}

  async setScores(key: string, entries: readonly RankedEntry[]): Promise<void> {
    const ranking = this.#live(key) ?? this.#create(key);
    for (const entry of entries) {
      const previous = ranking.byMember.get(entry.member);
      if (previous !== undefined)
        ranking.order.splice(this.#indexOf(ranking, { member: entry.member, score: previous }), 1);
      ranking.order.splice(insertionPoint(ranking.order, entry), 0, {
        member: entry.member,
        score: entry.score,
      });
      ranking.byMember.set(entry.member, entry.score);
    }
  }

  async range(key: string, offset: number, limit: number): Promise<RankedEntry[]> {
    return (this.#live(key)?.order.slice(offset, offset + limit) ?? []).map((entry) => ({ ...entry }));
  }

  async position(key: string, member: string): Promise<{ position: number; score: number } | null> {
    const ranking = this.#live(key);
    const score = ranking?.byMember.get(member);
    if (!ranking || score === undefined) return null;
    return { position: this.#indexOf(ranking, { member, score }), score };
  }

  async scores(key: string, members: readonly string[]): Promise<(number | null)[]> {
    const ranking = this.#live(key);
    return members.map((member) => ranking?.byMember.get(member) ?? null);
  }

  async size(key: string): Promise<number> {
    return this.#live(key)?.order.length ?? 0;
  }

  async replace(key: string, batches: AsyncIterable<readonly RankedEntry[]>, ttlMs?: number): Promise<void> {
    const fresh: Ranking = { order: [], byMember: new Map(), expiresAt: null };
    for await (const batch of batches)
      for (const entry of batch) fresh.byMember.set(entry.member, entry.score);
    fresh.order = [...fresh.byMember].map(([member, score]) => ({ member, score }));
    fresh.order.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    fresh.expiresAt = ttlMs === undefined ? null : this.now() + ttlMs;
    this.#rankings.set(key, fresh);
  }

  async expire(key: string, ttlMs: number): Promise<void> {
    const ranking = this.#live(key);
    if (ranking) ranking.expiresAt = this.now() + ttlMs;
  }

  async delete(key: string): Promise<void> {
    this.#rankings.delete(key);
  }

  clear(): void {
    this.#rankings.clear();
  }

  #create(key: string): Ranking {
    const ranking: Ranking = { order: [], byMember: new Map(), expiresAt: null };
    this.#rankings.set(key, ranking);
    return ranking;
  }

  #live(key: string): Ranking | undefined {
    const ranking = this.#rankings.get(key);
    if (ranking?.expiresAt != null && ranking.expiresAt <= this.now()) {
      this.#rankings.delete(key);
      return undefined;
    }
    return ranking;
  }

  #indexOf(ranking: Ranking, entry: RankedEntry): number {
    return insertionPoint(ranking.order, entry);
  }
}

/** The index of the first entry that does not rank before `entry` (its own index when present). */
function insertionPoint(order: readonly RankedEntry[], entry: RankedEntry): number {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (before(order[middle]!, entry)) low = middle + 1;
    else high = middle;
  }
  return low;
}
