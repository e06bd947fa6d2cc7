import { z } from 'zod';
import { rollupAnalytics } from '../modules/analytics/rollup.js';
import { pruneClientLogs } from '../modules/client-logs/prune.js';
import { reconcileBoards } from '../modules/leaderboard/reconcile.js';
import { sendSrsReminders, sendStreakReminders } from '../modules/reminders/service.js';
import { defineJob, type JobNameOf, type JobPayloadOf } from './define.js';

const MINUTE = 60_000;
const empty = z.strictObject({});

/** Drains the mail outbox: queued by the API after it commits mail, and on a schedule as a safety net. */
export const mailDispatch = defineJob({
  name: 'mail-dispatch',
  payload: empty,
  attempts: 3,
  backoffMs: 1_000,
  schedule: (env) => env.MAIL_DISPATCH_INTERVAL_SECONDS * 1_000,
  async handler(deps) {
    // A pass claims at most a batch; keep going while passes deliver (bounded, the schedule does the rest).
    let delivered = 0;
    for (let pass = 0; pass < 20; pass++) {
      const sent = await deps.mailer.drainOnce();
      delivered += sent;
      if (sent === 0) break;
    }
    return { delivered };
  },
});

/** Daily analytics rollups for completed UTC days; `days` backfills those days instead. */
export const analyticsRollup = defineJob({
  name: 'analytics-rollup',
  payload: z.strictObject({ days: z.array(z.iso.date()).max(366).optional() }),
  attempts: 5,
  backoffMs: 60_000,
  schedule: () => 24 * 60 * MINUTE,
  handler: (deps, payload) =>
    rollupAnalytics(deps.db, deps.clock(), {
      catchUpDays: deps.env.ANALYTICS_ROLLUP_CATCH_UP_DAYS,
      ...(payload.days && { days: payload.days }),
    }),
});

/** Rankings in Redis checked against PostgreSQL, each one that differs rebuilt. */
export const leaderboardReconcile = defineJob({
  name: 'leaderboard-reconcile',
  payload: empty,
  attempts: 3,
  backoffMs: 30_000,
  schedule: () => 60 * MINUTE,
  handler: (deps) => reconcileBoards(deps, deps.clock()),
});

/** Client logs past their retention deleted (the API used to run this on a timer). */
export const clientLogPrune = defineJob({
  name: 'client-log-prune',
  payload: empty,
  attempts: 3,
  backoffMs: 60_000,
  schedule: (env) => env.CLIENT_LOG_PRUNE_INTERVAL_MINUTES * MINUTE,
  handler: (deps) =>
    pruneClientLogs(deps, deps.clock(), {
      periodMs: (deps.env.CLIENT_LOG_PRUNE_INTERVAL_MINUTES || 60) * MINUTE,
      leaseKey: 'jobs:client-log-prune',
    }),
});

/**
 * Streak-at-risk reminders. Every 15 minutes, so each zone's reminder hour is seen at least once even
 * for zones offset by 30 or 45 minutes or when a tick is late; the sent-markers keep it to one a day.
 */
export const streakReminders = defineJob({
  name: 'streak-reminders',
  payload: empty,
  attempts: 3,
  backoffMs: 30_000,
  schedule: () => 15 * MINUTE,
  handler: (deps) => sendStreakReminders(deps, deps.clock(), deps.env.STREAK_REMINDER_HOUR),
});

/** Cards-due reminders at SRS_REMINDER_HOUR local time, once per learner and local day. */
export const srsReminders = defineJob({
  name: 'srs-reminders',
  payload: empty,
  attempts: 3,
  backoffMs: 30_000,
  schedule: () => 15 * MINUTE,
  handler: (deps) => sendSrsReminders(deps, deps.clock(), deps.env.SRS_REMINDER_HOUR),
});

/** Every job the worker runs. Adding one here gives it a queue, a worker and (if any) its schedule. */
export const JOBS = [
  mailDispatch,
  analyticsRollup,
  leaderboardReconcile,
  clientLogPrune,
  streakReminders,
  srsReminders,
] as const;

export type AppJob = (typeof JOBS)[number];
export type JobName = JobNameOf<AppJob>;
export type JobPayload<N extends JobName> = JobPayloadOf<AppJob, N>;
