import type { Db } from '../../db/client.js';
import type { Logger } from '../../lib/logger.js';
import { enqueueEvents } from '../../realtime/outbox.js';
import * as repo from './repo.js';
import { zonesAtHour } from './zones.js';

export interface RemindersDeps {
  db: Db;
  log: Logger;
}

/**
 * Streak-at-risk reminders: learners whose local time at `now` is in `hour` (20:00-20:59 by default),
 * whose streak is alive (active yesterday, their time) and who have not been active today get one
 * `streak_at_risk` event per local day. The sent-marker and the event share a transaction, so running
 * twice (or on two workers) reminds once. Returns how many were reminded.
 */
export async function sendStreakReminders(deps: RemindersDeps, now: Date, hour: number): Promise<number> {
  const zones = zonesAtHour(await repo.zonesWithStreaks(deps.db), now, hour);
  if (zones.length === 0) return 0;
  const sent = await deps.db.transaction(async (tx) => {
    const marked = await repo.markStreaksAtRisk(tx, zones);
    await enqueueEvents(
      tx,
      marked.map((row) => ({
        userId: row.user_id,
        type: 'streak_at_risk' as const,
        data: { streakDays: row.streak_days, localDate: row.local_date },
      })),
    );
    return marked.length;
  });
  if (sent > 0) deps.log.info({ evt: 'streak_reminders', sent }, `${sent} streak-at-risk reminders`);
  return sent;
}

/**
 * Cards-due reminders: learners whose local time at `now` is in `hour` and who have cards due get one
 * `srs_due` event (with the count) per local day, exactly once as above. Returns how many were reminded.
 */
export async function sendSrsReminders(deps: RemindersDeps, now: Date, hour: number): Promise<number> {
  const zones = zonesAtHour(await repo.zonesWithCards(deps.db), now, hour);
  if (zones.length === 0) return 0;
  const sent = await deps.db.transaction(async (tx) => {
    const marked = await repo.markCardsDue(tx, zones, now);
    await enqueueEvents(
      tx,
      marked.map((row) => ({
        userId: row.user_id,
        type: 'srs_due' as const,
        data: { due: row.due, localDate: row.local_date },
      })),
    );
    return marked.length;
  });
  if (sent > 0) deps.log.info({ evt: 'srs_reminders', sent }, `${sent} cards-due reminders`);
  return sent;
}
