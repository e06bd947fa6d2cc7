import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.js';
import type { ReportRange } from './schema.js';

type Num = number | string;
const num = (value: Num | null | undefined) => Number(value ?? 0);

/**
 * The day tables the reports sum: report_daily (rolled-up days only) and ops_counters_daily (live counters,
 * today included). Both are (day, metric, dimension, value).
 */
const DAY_TABLES = { report: sql`report_daily`, ops: sql`ops_counters_daily` } as const;

/** Per-day sums of a day table's metrics over the range, summed over dimensions. */
export async function dailySums(
  db: Db,
  table: keyof typeof DAY_TABLES,
  range: ReportRange,
  metrics: readonly string[],
) {
  const rows = await queryRows<{ day: string; metric: string; value: Num }>(
    db,
    sql`select day::text as day, metric, sum(value) as value from ${DAY_TABLES[table]}
        where day between ${range.from}::date and ${range.to}::date
          and metric in (${sql.join(
            metrics.map((m) => sql`${m}`),
            sql`, `,
          )})
        group by day, metric`,
  );
  return rows.map((row) => ({ day: row.day, metric: row.metric, value: num(row.value) }));
}

/** Distinct active users per day of the range. */
export async function dailyActiveUsers(db: Db, range: ReportRange) {
  const rows = await queryRows<{ day: string; users: Num }>(
    db,
    sql`select day::text as day, count(*) as users from user_activity_daily
        where day between ${range.from}::date and ${range.to}::date group by day`,
  );
  return rows.map((row) => ({ day: row.day, users: num(row.users) }));
}

/** Distinct active users per ISO week (Monday), counting only the range's days of each week. */
export async function weeklyActiveUsers(db: Db, range: ReportRange) {
  const rows = await queryRows<{ week: string; users: Num }>(
    db,
    sql`select date_trunc('week', day)::date::text as week, count(distinct user_id) as users
        from user_activity_daily where day between ${range.from}::date and ${range.to}::date group by 1`,
  );
  return rows.map((row) => ({ week: row.week, users: num(row.users) }));
}

/**
 * Retention cohorts: users who signed up within the range, by signup week (Monday), and how many of each
 * were active in each later week (offset in weeks from the signup week) up to the range's last day.
 */
export async function cohortActivity(db: Db, range: ReportRange) {
  const cohorts = sql`
    select id, date_trunc('week', created_at at time zone 'UTC')::date as week from users
    where created_at >= (${range.from}::date::timestamp at time zone 'UTC')
      and created_at < ((${range.to}::date + 1)::timestamp at time zone 'UTC')`;
  const sizes = await queryRows<{ week: string; size: Num }>(
    db,
    sql`select week::text as week, count(*) as size from (${cohorts}) c group by week`,
  );
  const active = await queryRows<{ week: string; offset: Num; users: Num }>(
    db,
    sql`select c.week::text as week, (date_trunc('week', a.day)::date - c.week) / 7 as "offset",
               count(distinct a.user_id) as users
        from (${cohorts}) c join user_activity_daily a on a.user_id = c.id
        where a.day >= c.week and a.day <= ${range.to}::date
        group by 1, 2`,
  );
  return {
    sizes: sizes.map((row) => ({ week: row.week, size: num(row.size) })),
    active: active.map((row) => ({ week: row.week, offset: num(row.offset), users: num(row.users) })),
  };
}

/** Lessons passed in the range by `language|level` dimension. */
export async function lessonsCompletedByDimension(db: Db, range: ReportRange) {
  const rows = await queryRows<{ dimension: string; lessons: Num }>(
    db,
    sql`select dimension, sum(value) as lessons from report_daily
        where metric = 'lessons_completed' and day between ${range.from}::date and ${range.to}::date
        group by dimension`,
  );
  return rows.map((row) => ({ dimension: row.dimension, lessons: num(row.lessons) }));
}

/** Users active in the range by XP earned in it, counted per bucket (`[min, max]`, max null = unbounded). */
export async function usersPerXpBucket(
  db: Db,
  range: ReportRange,
  buckets: readonly { min: number; max: number | null }[],
) {
  const cases = sql.join(
    buckets.map((bucket, index) =>
      bucket.max === null
        ? sql`when xp >= ${sql.raw(String(bucket.min))} then ${sql.raw(String(index))}`
        : sql`when xp between ${sql.raw(String(bucket.min))} and ${sql.raw(String(bucket.max))} then ${sql.raw(String(index))}`,
    ),
    sql` `,
  );
  const rows = await queryRows<{ bucket: Num; users: Num }>(
    db,
    sql`select case when xp < 0 then 0 ${cases} end as bucket, count(*) as users
        from (select user_id, sum(xp) as xp from user_activity_daily
              where day between ${range.from}::date and ${range.to}::date group by user_id) per_user
        group by 1`,
  );
  return rows.map((row) => ({ bucket: num(row.bucket), users: num(row.users) }));
}
