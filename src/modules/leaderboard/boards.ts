import type { Db } from '../../db/client.js';
import type { Logger } from '../../lib/logger.js';
import { isStoreUnavailable } from '../../lib/store/availability.js';
import type { KeyValueStore, RankedEntry, RankingStore } from '../../lib/store/types.js';
import type { RealtimeHub } from '../../realtime/hub.js';
import type { RankingUpdate } from '../gamification/periods.js';
import { type Board, boardFor } from './board.js';
import * as repo from './repo.js';

export interface BoardDeps {
  db: Db;
  rankings: RankingStore;
  rankingNamespace: string;
  kv: KeyValueStore;
  log: Logger;
  clock: () => Date;
  /** Announces changed boards to `leaderboard.onChange` subscribers (coalesced). */
  hub: Pick<RealtimeHub, 'boardChanged'>;
}

/** A period's ranking is kept this long after the period ends, for the "last week" look back. */
const PERIOD_RETENTION_MS = 8 * 86_400_000;
/** How long one instance may take to rebuild a ranking before another may try. */
const REBUILD_LOCK_MS = 120_000;
/**
 * How long this process trusts that a ranking it saw built still is, without asking the store. Should the
 * store lose it meanwhile, a page that comes back empty asks at once; other reads see it within this time.
 */
const BUILT_TRUST_MS = 5_000;
const seenBuilt = new WeakMap<RankingStore, Map<string, number>>();
/**
 * Rankings an update could not reach because the store was down, nor be marked for a rebuild (the mark
 * lives in the same store): `rebuildMissedRankings` drops them once the store is back.
 */
const missedUpdates = new WeakMap<RankingStore, Set<string>>();

/** The ranking's key in the store: namespace, kind, and the period it covers. */
export const boardKey = (deps: Pick<BoardDeps, 'rankingNamespace'>, board: Board) =>
  `${deps.rankingNamespace}:${board.kind}:${board.period ? `${board.period.unit}:${board.period.id}` : 'all'}`;
/**
 * The name a board's changes are announced under (`leaderboard.onChange`): its kind and timeframe, not
 * its period, so a subscriber to this week's board follows it into the next week.
 */
export const boardChannel = (
  deps: Pick<BoardDeps, 'rankingNamespace'>,
  kind: Board['kind'],
  timeframe: 'all' | 'week' | 'month',
) => `${deps.rankingNamespace}:${kind}:${timeframe}`;
const builtKey = (deps: Pick<BoardDeps, 'rankingNamespace'>, board: Board) =>
  `${boardKey(deps, board)}:built`;
const ttlOf = (board: Board, now: Date) =>
  board.period ? board.period.end.getTime() + PERIOD_RETENTION_MS - now.getTime() : undefined;

/**
 * Puts a user's new scores into every ranking, after the transaction that changed them has committed.
 * A failure is logged and the affected ranking is marked for a rebuild from PostgreSQL, so a lost write
 * costs a rebuild, never a wrong rank for long.
 */
export async function applyRankingUpdate(deps: BoardDeps, update: RankingUpdate): Promise<void> {
  const scored: [Board, number][] = [
    [boardFor('xp', 'all', update.at), update.xp],
    [boardFor('xp', 'week', update.at), update.weekXp],
    [boardFor('xp', 'month', update.at), update.monthXp],
    [boardFor('streak', 'all', update.at), update.streak],
    [boardFor('lessons', 'all', update.at), update.lessons],
    [boardFor('languages', 'all', update.at), update.languages],
  ];
  // Whether a write moved anyone in a top N is for the subscribers to see: they compare what they sent.
  await Promise.all(
    // Only scores above zero are ranked (see leaderboard/repo.ts), and no score ever falls back to zero.
    scored
      .filter(([, score]) => score > 0)
      .map(async ([board, score]) => {
        try {
          await deps.rankings.setScores(boardKey(deps, board), [{ member: update.userId, score }]);
          const ttl = ttlOf(board, update.at);
          if (ttl !== undefined) await deps.rankings.expire(boardKey(deps, board), ttl);
          deps.hub.boardChanged(boardChannel(deps, board.kind, board.period?.unit ?? 'all'));
        } catch (error) {
          const key = boardKey(deps, board);
          // While the store is down (logged once by the store) the update is remembered, not logged.
          if (!isStoreUnavailable(error))
            deps.log.warn({ err: error, ranking: key }, 'ranking update failed; it will be rebuilt');
          await deps.kv.delete(builtKey(deps, board)).catch(() => {
            const missed = missedUpdates.get(deps.rankings) ?? new Set<string>();
            missedUpdates.set(deps.rankings, missed);
            missed.add(key);
          });
        }
      }),
  );
}

/**
 * Makes sure a ranking holds every user's score: if it was never built (or Redis lost it), rebuilds it
 * from PostgreSQL, one instance at a time. Returns false when another instance is rebuilding it right now:
 * the caller then answers from PostgreSQL.
 */
export async function ensureBuilt(deps: BoardDeps, board: Board): Promise<boolean> {
  const seen = seenBuilt.get(deps.rankings) ?? new Map<string, number>();
  seenBuilt.set(deps.rankings, seen);
  const key = boardKey(deps, board);
  if ((seen.get(key) ?? 0) > performance.now()) return true;
  const built = await deps.kv.get(builtKey(deps, board));
  if (built !== null && (built === '0' || (await deps.rankings.size(key)) > 0)) {
    seen.set(key, performance.now() + BUILT_TRUST_MS);
    return true;
  }
  seen.delete(key);
  const lock = `${boardKey(deps, board)}:rebuilding`;
  if (!(await deps.kv.setIfAbsent(lock, '1', REBUILD_LOCK_MS))) return false;
  try {
    const now = deps.clock();
    let count = 0;
    async function* counted(): AsyncGenerator<RankedEntry[]> {
      for await (const batch of repo.boardScores(deps.db, board)) {
        count += batch.length;
        yield batch;
      }
    }
    const ttl = ttlOf(board, now);
    await deps.rankings.replace(boardKey(deps, board), counted(), ttl);
    await deps.kv.set(builtKey(deps, board), String(count), ttl);
    deps.log.info({ ranking: boardKey(deps, board), members: count }, 'ranking rebuilt from PostgreSQL');
    return true;
  } finally {
    await deps.kv.delete(lock);
  }
}

/**
 * Runs a read on the ranking when it is built; answers `fallback` (PostgreSQL) when it is not, when another
 * instance is rebuilding it, or when the store is down.
 */
async function fromRanking<T>(
  deps: BoardDeps,
  board: Board,
  read: () => Promise<T>,
  fallback: () => Promise<T>,
): Promise<T> {
  try {
    if (await ensureBuilt(deps, board)) return await read();
  } catch (error) {
    if (!isStoreUnavailable(error)) throw error;
  }
  return fallback();
}

/** A page of a board, from its ranking when built, else from PostgreSQL. Positions are 0-based. */
export async function boardRange(
  deps: BoardDeps,
  board: Board,
  offset: number,
  limit: number,
  recheck = true,
): Promise<{ entries: RankedEntry[]; total: number | null }> {
  let lost = false;
  const page = await fromRanking(
    deps,
    board,
    async () => {
      const [entries, total] = await Promise.all([
        deps.rankings.range(boardKey(deps, board), offset, limit),
        deps.rankings.size(boardKey(deps, board)),
      ]);
      // Empty where this process trusted it built: ask the store again (it may have lost the ranking).
      lost = recheck && total === 0 && (seenBuilt.get(deps.rankings)?.delete(boardKey(deps, board)) ?? false);
      return { entries, total: total as number | null };
    },
    async () => ({ entries: await repo.boardPage(deps.db, board, offset, limit), total: null }),
  );
  return lost ? boardRange(deps, board, offset, limit, false) : page;
}

/** Scores of these users on a board (null for those it does not rank). */
export function boardScores(deps: BoardDeps, board: Board, members: readonly string[]) {
  return fromRanking(
    deps,
    board,
    () => deps.rankings.scores(boardKey(deps, board), members),
    () => repo.boardScoresOf(deps.db, board, members),
  );
}

/** A user's 0-based position on a board, or null. */
export function boardPosition(deps: BoardDeps, board: Board, member: string) {
  return fromRanking(
    deps,
    board,
    () => deps.rankings.position(boardKey(deps, board), member),
    () => repo.boardPositionOf(deps.db, board, member),
  );
}

/**
 * Once the store is back: rankings that missed updates while it was down are marked for a rebuild from
 * PostgreSQL (their next read rebuilds them), so an outage never leaves a stale rank behind.
 */
export async function rebuildMissedRankings(deps: BoardDeps): Promise<void> {
  const missed = missedUpdates.get(deps.rankings);
  if (!missed || missed.size === 0) return;
  const keys = [...missed];
  missed.clear();
  await Promise.all(
    keys.map(async (key) => {
      seenBuilt.get(deps.rankings)?.delete(key);
      await deps.kv.delete(`${key}:built`).catch(() => missed.add(key));
    }),
  );
  deps.log.info({ rankings: keys }, 'rankings that missed updates during the store outage will be rebuilt');
}

/** Forgets a ranking (and that it was built): the next read rebuilds it. */
export async function dropBoard(deps: BoardDeps, board: Board): Promise<void> {
  await Promise.all([deps.rankings.delete(boardKey(deps, board)), deps.kv.delete(builtKey(deps, board))]);
}
