import { addDays, daysBetween } from './local-date.js';
import type { UpdateStatsInput } from './schema.js';

/**
 * How much an offline client may add per local day. Generous for real use, far below what a tampered
 * client would claim. XP is not among them: it is earned on the server only (lessons.submit and the XP
 * ledger), so a client can never raise it.
 */
export const DAILY_STATS_LIMITS = { wordsLearned: 500 } as const;

/** A client offline for days may bring that many days of progress, up to this many. */
export const MAX_CATCH_UP_DAYS = 7;

export type StatField = keyof UpdateStatsInput;

export type RejectReason =
  /** Server-owned numbers never go down through a client sync. */
  | 'decrease'
  /** More than the daily allowance (times the days since the last sync) minus what today already got. */
  | 'above_daily_limit'
  /** A streak may grow by one, and only on the day after the last active day. */
  | 'streak_not_consecutive'
  /** Counted by the server itself (XP, chat quota), never set by a client. */
  | 'server_counted';

export interface StatsSnapshot {
  totalChats: number;
  streakDays: number;
  wordsLearned: number;
  xpPoints: number;
  /** Today's count in the user's zone (0 when the last message was on an earlier day). */
  messagesUsedToday: number;
  lastActiveDate: string | null;
}

export interface StatsDecision {
  /** New values to store. */
  apply: { wordsLearned?: number; streakDays?: number };
  wordsAccepted: number;
  rejected: Partial<Record<StatField, { asked: number; kept: number; reason: RejectReason }>>;
}

export interface StatsContext {
  /** The user's local date now. */
  today: string;
  /** Words already accepted from client syncs today. */
  wordsAcceptedToday: number;
}

/**
 * Decides which of a client's absolute stats the server accepts. Pure: the service supplies today's
 * ledger totals and applies the result. Equal values are neither applied nor rejected.
 */
export function decideStatsUpdate(
  input: UpdateStatsInput,
  current: StatsSnapshot,
  context: StatsContext,
): StatsDecision {
  const decision: StatsDecision = { apply: {}, wordsAccepted: 0, rejected: {} };
  const last = current.lastActiveDate;
  const catchUpDays =
    last && last < context.today ? Math.min(MAX_CATCH_UP_DAYS, daysBetween(last, context.today)) : 1;

  const growth = (field: 'wordsLearned', acceptedToday: number): number => {
    const asked = input[field];
    if (asked === undefined || asked === current[field]) return 0;
    const delta = asked - current[field];
    const allowance = DAILY_STATS_LIMITS[field] * catchUpDays - acceptedToday;
    const reason = delta < 0 ? 'decrease' : delta > allowance ? 'above_daily_limit' : null;
    if (reason) {
      decision.rejected[field] = { asked, kept: current[field], reason };
      return 0;
    }
    decision.apply[field] = asked;
    return delta;
  };
  decision.wordsAccepted = growth('wordsLearned', context.wordsAcceptedToday);

  const streak = input.streakDays;
  if (streak !== undefined && streak !== current.streakDays) {
    const yesterday = addDays(context.today, -1);
    const continues = last === yesterday && streak === current.streakDays + 1;
    // After a missed day the streak is broken: restarting at 1 is the truth, not a suspicious decrease.
    const restarts = (last === null || last < yesterday) && streak === 1;
    if (continues || restarts) decision.apply.streakDays = streak;
    else {
      const reason = streak < current.streakDays ? 'decrease' : 'streak_not_consecutive';
      decision.rejected.streakDays = { asked: streak, kept: current.streakDays, reason };
    }
  }

  for (const field of ['xpPoints', 'totalChats', 'messagesUsedToday'] as const) {
    const asked = input[field];
    if (asked !== undefined && asked !== current[field]) {
      decision.rejected[field] = { asked, kept: current[field], reason: 'server_counted' };
    }
  }
  return decision;
}
