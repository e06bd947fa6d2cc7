import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/client.js';
import { rollupReportDay } from '../reporting/rollup.js';

const DAY_MS = 86_400_000;
const utcDate = (at: Date) => at.toISOString().slice(0, 10);
const addDays = (day: string, days: number) =>
  utcDate(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));

export interface RollupResult {
  /** The UTC days computed by this run, oldest first. */
  days: string[];
}

/**
 * Daily analytics rollups (analytics_daily: events and distinct users per UTC day, event name and
 * language) from analytics_events, and the admin reports' day tables (report_daily, user_activity_daily:
 * modules/reporting/rollup.ts), for completed days only. Computes the days of the last `catchUpDays`
 * (before today) that were never computed, and always yesterday again (events sent late by offline
 * devices land there). Each day is replaced whole in one transaction, so a re-run never double counts.
 * `days` forces those days instead (a backfill).
 */
export async function rollupAnalytics(
  db: Db,
  now: Date,
  options: { catchUpDays: number; days?: readonly string[] },
): Promise<RollupResult> {
  const today = utcDate(now);
  const first = addDays(today, -options.catchUpDays);
  let days: string[];
  if (options.days) {
    days = options.days.filter((day) => day < today);
  } else {
    const done = new Set(
      (
        await queryRows<{ day: string }>(
          db,
          sql`select day::text as day from analytics_daily_runs where day >= ${first}::date and day < ${today}::date`,
        )
      ).map((row) => row.day),
    );
    days = [];
    for (let day = first; day < today; day = addDays(day, 1))
      if (!done.has(day) || day === addDays(today, -1)) days.push(day);
  }
  days = [...new Set(days)].sort();
  for (const day of days) {
    await db.transaction(async (tx) => {
      // Serialises two runs over the same day (two workers, or a backfill beside the schedule).
      await tx.execute(
        sql`select pg_advisory_xact_lock(hashtext('analytics_daily'), ${Number(day.replaceAll('-', '')) % 2_147_483_647})`,
      );
      await tx.execute(sql`delete from analytics_daily where day = ${day}::date`);
      await tx.execute(sql`
        insert into analytics_daily (day, event, language, events, users)
        select ${day}::date, event, coalesce(left(properties->>'language', 16), ''), count(*), count(distinct user_id)
        from analytics_events
        where occurred_at >= ${day}::date::timestamp at time zone 'UTC'
          and occurred_at < (${day}::date + 1)::timestamp at time zone 'UTC'
        group by 2, 3`);
      await rollupReportDay(tx, day);
      await tx.execute(sql`
        insert into analytics_daily_runs (day, computed_at) values (${day}::date, ${now})
        on conflict (day) do update set computed_at = excluded.computed_at`);
    });
  }
  return { days };
}
