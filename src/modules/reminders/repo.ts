import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows, type Tx } from '../../db/client.js';
import type { ZoneAtHour } from './zones.js';

const zonesTable = (zones: readonly ZoneAtHour[]): SQL =>
  sql`(values ${sql.join(
    zones.map((zone) => sql`(${zone.stored}::text, ${zone.today}::date, ${zone.yesterday}::date)`),
    sql`, `,
  )}) as zones (tz, today, yesterday)`;

/** The distinct zones of learners with a streak (the only ones a streak reminder may concern). */
export async function zonesWithStreaks(db: Db): Promise<string[]> {
  const rows = await queryRows<{ timezone: string }>(
    db,
    sql`select distinct u.timezone from user_stats s join users u on u.id = s.user_id
        where s.streak_days > 0 and u.deleted_at is null`,
  );
  return rows.map((row) => row.timezone);
}

/** The distinct zones of learners with at least one card. */
export async function zonesWithCards(db: Db): Promise<string[]> {
  const rows = await queryRows<{ timezone: string }>(
    db,
    sql`select distinct u.timezone from users u
        where u.deleted_at is null and exists (select 1 from srs_cards c where c.user_id = u.id)`,
  );
  return rows.map((row) => row.timezone);
}

/**
 * Marks, once per user and local day, learners in these zones whose streak is alive but not yet extended
 * today (last active yesterday, their time). Returns only those marked by this call.
 */
export function markStreaksAtRisk(
  tx: Tx,
  zones: readonly ZoneAtHour[],
): Promise<{ user_id: string; local_date: string; streak_days: number }[]> {
  return queryRows(
    tx,
    sql`with candidates as (
          select s.user_id, s.streak_days, zones.today
          from user_stats s join users u on u.id = s.user_id join ${zonesTable(zones)} on u.timezone = zones.tz
          where u.deleted_at is null and s.streak_days > 0 and s.last_active_date = zones.yesterday
        ), marked as (
          insert into reminder_sends (user_id, kind, local_date)
          select user_id, 'streak_at_risk', today from candidates
          on conflict do nothing
          returning user_id, local_date
        )
        select m.user_id, m.local_date::text as local_date, c.streak_days
        from marked m join candidates c on c.user_id = m.user_id`,
  );
}

/** Marks, once per user and local day, learners in these zones with cards due at `now`, with their count. */
export function markCardsDue(
  tx: Tx,
  zones: readonly ZoneAtHour[],
  now: Date,
): Promise<{ user_id: string; local_date: string; due: number }[]> {
  return queryRows(
    tx,
    sql`with candidates as (
          select u.id as user_id, zones.today, count(*)::int as due
          from users u join ${zonesTable(zones)} on u.timezone = zones.tz
          join srs_cards c on c.user_id = u.id and c.due_at <= ${now}
          where u.deleted_at is null
          group by u.id, zones.today
        ), marked as (
          insert into reminder_sends (user_id, kind, local_date)
          select user_id, 'srs_due', today from candidates
          on conflict do nothing
          returning user_id, local_date
        )
        select m.user_id, m.local_date::text as local_date, c.due
        from marked m join candidates c on c.user_id = m.user_id`,
  );
}
