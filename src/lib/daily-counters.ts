/** Operational counts kept per UTC day for the admin reports (ops_counters_daily). */
export const DAILY_COUNTER_METRICS = [
  'http_requests',
  'http_errors',
  'ai_requests',
  'quota_denials',
] as const;
export type DailyCounterMetric = (typeof DAILY_COUNTER_METRICS)[number];

/** One pending increment: a UTC day (`YYYY-MM-DD`), a metric, a dimension ('' for none) and a count. */
export interface DailyCount {
  day: string;
  metric: DailyCounterMetric;
  dimension: string;
  value: number;
}

const DAY_MS = 86_400_000;
const SEPARATOR = '\u0000';

/**
 * Per-day counters in memory: `add` is one map update (no I/O, safe on the hot path); `flush` hands
 * what accumulated since the last flush to a writer. A flush that fails puts its counts back, so nothing
 * is lost while the database is away; flushes run one at a time.
 */
export class DailyCounters {
  #pending = new Map<string, number>();
  #day = '';
  #dayEndsAt = 0;
  #flushing: Promise<void> = Promise.resolve();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts `by` (default 1) for today's UTC day. */
  add(metric: DailyCounterMetric, dimension = '', by = 1): void {
    const key = `${this.#today()}${SEPARATOR}${metric}${SEPARATOR}${dimension}`;
    this.#pending.set(key, (this.#pending.get(key) ?? 0) + by);
  }

  /** Counts not yet flushed, for tests and shutdown logs. */
  pending(): DailyCount[] {
    return [...this.#pending].map(([key, value]) => {
      const [day = '', metric = '', dimension = ''] = key.split(SEPARATOR);
      return { day, metric: metric as DailyCounterMetric, dimension, value };
    });
  }

  /**
   * Takes the pending counts and passes them to `write`; if it throws, they are merged back (with
   * whatever was counted meanwhile) and the error is rethrown. Concurrent calls queue behind each other.
   */
  flush(write: (counts: DailyCount[]) => Promise<void>): Promise<void> {
    const run = this.#flushing.then(async () => {
      if (this.#pending.size === 0) return;
      const taken = this.#pending;
      this.#pending = new Map();
      const counts = [...taken].map(([key, value]) => {
        const [day = '', metric = '', dimension = ''] = key.split(SEPARATOR);
        return { day, metric: metric as DailyCounterMetric, dimension, value };
      });
      try {
        await write(counts);
      } catch (error) {
        for (const [key, value] of taken) this.#pending.set(key, (this.#pending.get(key) ?? 0) + value);
        throw error;
      }
    });
    this.#flushing = run.catch(() => undefined);
    return run;
  }

  #today(): string {
    const now = this.now();
    if (now >= this.#dayEndsAt || now < this.#dayEndsAt - DAY_MS) {
      const start = now - (now % DAY_MS);
      this.#day = new Date(start).toISOString().slice(0, 10);
      this.#dayEndsAt = start + DAY_MS;
    }
    return this.#day;
  }
}
