import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { PASS_SCORE } from '../gamification/rules.js';

/** Separates language and level in the `lessons_completed` dimension (neither can contain it). */
export const LESSON_DIMENSION_SEPARATOR = '|';

/**
 * Computes one completed UTC day of the report tables inside the rollup's transaction (which holds the
 * day's advisory lock): replaces the day's report_daily rows (signups, learner chat messages, lessons
 * passed by language and level, XP granted) and user_activity_daily rows (every user with an analytics
 * event, a lesson attempt, an XP grant or a chat message that day, with the XP they earned). Idempotent.
 */
export async function rollupReportDay(tx: Tx, day: string): Promise<void> {
  const start = sql`(${day}::date::timestamp at time zone 'UTC')`;
  const end = sql`((${day}::date + 1)::timestamp at time zone 'UTC')`;
  const within = (column: string) => sql`${sql.raw(column)} >= ${start} and ${sql.raw(column)} < ${end}`;
  await tx.execute(sql`delete from report_daily where day = ${day}::date`);
  await tx.execute(sql`delete from user_activity_daily where day = ${day}::date`);
  await tx.execute(sql`
    insert into report_daily (day, metric, dimension, value)
    select ${day}::date, 'signups', '', count(*) from users where ${within('created_at')} having count(*) > 0
    union all
    select ${day}::date, 'chat_messages', '', count(*) from chat_messages
      where is_user and ${within('created_at')} having count(*) > 0
    union all
    select ${day}::date, 'xp_granted', '', sum(amount) from xp_events
      where ${within('created_at')} having count(*) > 0
    union all
    select ${day}::date, 'lessons_completed', l.language || ${LESSON_DIMENSION_SEPARATOR} || l.difficulty, count(*)
      from lesson_attempts a join lessons l on l.id = a.lesson_id
      where a.score >= ${PASS_SCORE} and ${within('a.created_at')}
      group by l.language, l.difficulty`);
  await tx.execute(sql`
    insert into user_activity_daily (day, user_id, xp)
    select ${day}::date, user_id, sum(xp) from (
      select user_id, 0 as xp from analytics_events where ${within('occurred_at')}
      union all
      select user_id, 0 from lesson_attempts where ${within('created_at')}
      union all
      select user_id, amount from xp_events where ${within('created_at')}
      union all
      select user_id, 0 from chat_messages where is_user and ${within('created_at')}
    ) activity
    group by user_id`);
}
