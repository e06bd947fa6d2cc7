import type { Env } from '../config/env.js';
import { closeDeps, createDeps, type DepsOverrides } from '../deps.js';
import { rollupAnalytics } from '../modules/analytics/rollup.js';
import { runAsCli } from './run-cli.js';

const USAGE = 'usage: npm run reports:rollup -- [YYYY-MM-DD | YYYY-MM-DD..YYYY-MM-DD]...';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const MAX_DAYS = 366;

/** The days named by the arguments (single days or inclusive ranges), or an Error with the usage. */
export function daysOfArgs(args: readonly string[]): string[] {
  const days = new Set<string>();
  for (const arg of args) {
    const [first, last = first, ...rest] = arg.split('..');
    const valid = (day: string | undefined): day is string =>
      day !== undefined && DAY.test(day) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
    if (rest.length > 0 || !valid(first) || !valid(last) || first > last) throw new Error(USAGE);
    for (let at = Date.parse(`${first}T00:00:00Z`); at <= Date.parse(`${last}T00:00:00Z`); at += DAY_MS) {
      days.add(new Date(at).toISOString().slice(0, 10));
      if (days.size > MAX_DAYS) throw new Error(`at most ${MAX_DAYS} days at once`);
    }
  }
  return [...days].sort();
}

/**
 * `npm run reports:rollup -- [days]`: runs the daily rollup (analytics_daily and the admin reports' day
 * tables) now, in this process: without arguments like the `analytics-rollup` job (days of the last
 * ANALYTICS_ROLLUP_CATCH_UP_DAYS not computed yet, and yesterday again); with days or ranges, exactly
 * those completed days (a backfill). Returns the days computed.
 */
export async function runReportsRollup(
  env: Env,
  args: readonly string[],
  overrides: DepsOverrides = {},
): Promise<string[]> {
  const days = args.length > 0 ? daysOfArgs(args) : undefined;
  const deps = await createDeps(env, overrides);
  try {
    const result = await rollupAnalytics(deps.db, deps.clock(), {
      catchUpDays: env.ANALYTICS_ROLLUP_CATCH_UP_DAYS,
      ...(days && { days }),
    });
    deps.log.info({ days: result.days.length }, `rollup computed ${result.days.length} day(s)`);
    return result.days;
  } finally {
    await closeDeps(deps);
  }
}

await runAsCli(import.meta.url, async (env) => {
  await runReportsRollup(env, process.argv.slice(2));
});
