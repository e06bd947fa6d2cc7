import type { RealtimeHub } from '../../realtime/hub.js';
import { type Board, boardFor } from './board.js';
import { boardChannel, boardKey } from './boards.js';
import type { OnChangeInput } from './schema.js';
import { describedPage, type LeaderboardDeps } from './service.js';

export interface LiveBoardDeps extends LeaderboardDeps {
  hub: Pick<RealtimeHub, 'onBoard' | 'boardChanged'>;
}

type Page = Awaited<ReturnType<typeof describedPage>>;

/** Reads of a board's top in flight on this instance: subscribers woken together share one. */
const inFlight = new Map<string, Promise<Page>>();

function topOf(deps: LeaderboardDeps, board: Board, limit: number): Promise<Page> {
  const key = `${boardKey(deps, board)}:${limit}`;
  let read = inFlight.get(key);
  if (!read) {
    read = describedPage(deps, board, 0, limit).finally(() => inFlight.delete(key));
    inFlight.set(key, read);
  }
  return read;
}

/**
 * `leaderboard.onChange`: the top `limit` of a board now, then again each time it changes. Changes are
 * announced by the ranking updates (boards.ts, at most once per LEADERBOARD_CHANGE_INTERVAL_MS per board
 * on each instance); a page equal to the last one sent is not sent again. The page has the shape of
 * `leaderboard.get`'s. A weekly or monthly board follows into the next period.
 */
export async function* onChange(deps: LiveBoardDeps, input: OnChangeInput, signal?: AbortSignal) {
  const timeframe = input.filter === 'weekly' ? 'week' : input.filter === 'monthly' ? 'month' : 'all';
  const unit = boardFor(input.sortBy, timeframe, deps.clock()).period?.unit ?? 'all';
  let changed = true;
  let notify: (() => void) | undefined;
  const stop = await deps.hub.onBoard(boardChannel(deps, input.sortBy, unit), () => {
    changed = true;
    notify?.();
  });
  const onAbort = () => notify?.();
  signal?.addEventListener('abort', onAbort);
  try {
    let last = '';
    while (!signal?.aborted) {
      if (changed) {
        changed = false;
        const page = await topOf(deps, boardFor(input.sortBy, timeframe, deps.clock()), input.limit);
        const shown = JSON.stringify(page);
        if (shown !== last) {
          last = shown;
          yield page;
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        notify = resolve;
        if (signal?.aborted) resolve();
      });
      notify = undefined;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stop();
  }
}
