import type { UserStats } from '../../db/schema/index.js';
import { AppError } from '../../lib/errors.js';
import { recordAudit } from '../audit/service.js';
import { localDate, resolveTimeZone } from './local-date.js';
import type { UserDto } from './profile.js';
import { requireProfile } from './profile.js';
import * as repo from './repo.js';
import type { UpdateStatsInput } from './schema.js';
import { type Actor, auditClient, type UsersDeps } from './service.js';
import { decideStatsUpdate } from './stats-rules.js';

const TWO_DAYS_MS = 2 * 86_400_000;

/**
 * `user.updateStats`, kept for offline clients. Words and streak are server-owned: only plausible
 * increases are applied (see stats-rules.ts). XP is never taken from a client: it is earned on the server
 * (lessons.submit) and kept in the XP ledger. Anything refused is audited as `stats_update_rejected` with what was asked and what was kept. Returns the
 * server's numbers either way, so the client can correct itself.
 * Throws NOT_FOUND if the account no longer exists.
 */
export async function updateStats(deps: UsersDeps, actor: Actor, input: UpdateStatsInput): Promise<UserDto> {
  const now = deps.clock();
  const userId = actor.userId;
  await deps.db.transaction(async (tx) => {
    // The row lock serialises syncs of one user, so "accepted today" cannot be read twice by racing calls.
    // Every account has its stats row from sign-up, so a missing row means a missing account.
    const locked = await repo.findStatsForUpdate(tx, userId);
    if (!locked) throw new AppError('NOT_FOUND', 'User not found');
    const { stats } = locked;
    const timeZone = resolveTimeZone(locked.timezone);
    const today = localDate(timeZone, now);
    // Words have no ledger of their own; a per-day counter in the shared store plays that part.
    const wordsKey = `users:stats-words:${userId}:${today}`;
    const wordsCounter = await deps.kv.get(wordsKey);
    const lastMessageToday = stats.lastMessageDate !== null && stats.lastMessageDate >= today;
    const decision = decideStatsUpdate(
      input,
      { ...serverValues(stats, lastMessageToday), lastActiveDate: stats.lastActiveDate },
      { today, wordsAcceptedToday: Number(wordsCounter ?? 0) },
    );

    if (Object.keys(decision.apply).length > 0) {
      const lastActiveDate =
        stats.lastActiveDate && stats.lastActiveDate > today ? stats.lastActiveDate : today;
      await repo.updateStatsRow(tx, userId, { ...decision.apply, lastActiveDate });
      if (decision.wordsAccepted > 0) await deps.kv.increment(wordsKey, decision.wordsAccepted, TWO_DAYS_MS);
    }

    if (Object.keys(decision.rejected).length > 0) {
      // What the server holds now for each field the client asked about.
      const after: Record<string, number> = { ...serverValues(stats, lastMessageToday), ...decision.apply };
      const kept = Object.fromEntries(Object.keys(input).map((field) => [field, after[field]]));
      await recordAudit(
        { db: tx, log: deps.log },
        {
          event: 'stats_update_rejected',
          severity: 'medium',
          actorUserId: userId,
          ...auditClient(actor),
          details: { asked: input, kept, rejected: decision.rejected, timezone: timeZone, today },
        },
      );
    }
  });
  return requireProfile(deps, userId);
}

/** The stored values of the fields a client can ask for. */
function serverValues(stats: UserStats, lastMessageToday: boolean) {
  return {
    totalChats: stats.totalChats,
    streakDays: stats.streakDays,
    wordsLearned: stats.wordsLearned,
    xpPoints: stats.xpPoints,
    messagesUsedToday: lastMessageToday ? stats.messagesUsedToday : 0,
  };
}
