import type { RankedEntry } from '../../lib/store/types.js';
import { BOARD_KINDS, type Board, boardFor } from './board.js';
import { type BoardDeps, boardKey, dropBoard, ensureBuilt } from './boards.js';
import * as repo from './repo.js';

export interface ReconcileResult {
  checked: number;
  /** Rankings that differed from PostgreSQL and were rebuilt. */
  repaired: string[];
}

/** Every ranking the app serves at `now`: each kind over all time, and XP over this week and month. */
export function currentBoards(now: Date): Board[] {
  return [
    ...BOARD_KINDS.map((kind) => boardFor(kind, 'all', now)),
    boardFor('xp', 'week', now),
    boardFor('xp', 'month', now),
  ];
}

/**
 * Compares each ranking in the store with PostgreSQL's scores (member by member, and the member count)
 * and rebuilds from PostgreSQL, through boards.ts, each one that differs or is missing. A ranking being
 * rebuilt by someone else right now is left to them.
 */
export async function reconcileBoards(deps: BoardDeps, now: Date): Promise<ReconcileResult> {
  const repaired: string[] = [];
  const boards = currentBoards(now);
  for (const board of boards) {
    if (await matches(deps, board)) continue;
    await dropBoard(deps, board);
    await ensureBuilt(deps, board);
    repaired.push(boardKey(deps, board));
  }
  if (repaired.length > 0)
    deps.log.warn({ evt: 'rankings_repaired', repaired }, 'rankings rebuilt from PostgreSQL');
  return { checked: boards.length, repaired };
}

async function matches(deps: BoardDeps, board: Board): Promise<boolean> {
  const key = boardKey(deps, board);
  let expected = 0;
  for await (const batch of repo.boardScores(deps.db, board)) {
    expected += batch.length;
    const stored = await deps.rankings.scores(
      key,
      batch.map((entry: RankedEntry) => entry.member),
    );
    if (batch.some((entry, index) => stored[index] !== entry.score)) return false;
  }
  return (await deps.rankings.size(key)) === expected;
}
