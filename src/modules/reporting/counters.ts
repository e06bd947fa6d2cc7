import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { DailyCount, DailyCounters } from '../../lib/daily-counters.js';
import type { Logger } from '../../lib/logger.js';

export interface CounterFlusherDeps {
  db: Db;
  log: Logger;
  counters: DailyCounters;
}

export interface CounterFlusher {
  /** Adds the pending counts to ops_counters_daily now. Never throws: a failure is logged and kept. */
  flush(): Promise<void>;
  /** Stops the timer and flushes one last time (call before the database closes). */
  stop(): Promise<void>;
}

/** Adds counts to ops_counters_daily: one statement, so several instances flushing at once all add up. */
export async function addDailyCounts(db: Db, counts: readonly DailyCount[]): Promise<void> {
  if (counts.length === 0) return;
  const rows = sql.join(
    counts.map((c) => sql`(${c.day}::date, ${c.metric}, ${c.dimension}, ${c.value})`),
    sql`, `,
  );
  await db.execute(sql`
    insert into ops_counters_daily (day, metric, dimension, value) values ${rows}
    on conflict (day, metric, dimension) do update set value = ops_counters_daily.value + excluded.value`);
}

/**
 * Flushes the in-memory per-day counters (Metrics.daily) to PostgreSQL every `intervalMs` (0: only on
 * `flush` and `stop`). A failed flush keeps its counts for the next one and logs a warning; nothing is
 * thrown into the timer or the caller.
 */
export function startCounterFlusher(deps: CounterFlusherDeps, intervalMs: number): CounterFlusher {
  const flush = () =>
    deps.counters
      .flush((counts) => addDailyCounts(deps.db, counts))
      .catch((error: unknown) => {
        deps.log.warn(
          { err: error, pending: deps.counters.pending().length },
          'report counters not flushed; kept for the next flush',
        );
      });
  const timer = intervalMs > 0 ? setInterval(() => void flush(), intervalMs) : null;
  timer?.unref();
  return {
    flush,
    async stop() {
      if (timer) clearInterval(timer);
      await flush();
    },
  };
}
