import type { Db, Tx } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { localDate, resolveTimeZone } from './local-date.js';
import type { UserDto } from './profile.js';
import { requireProfile } from './profile.js';
import * as repo from './repo.js';
import type { CanSendMessageDto } from './schema.js';
import type { Actor, UsersDeps } from './service.js';

/** Free-tier chat messages per calendar day in the user's own time zone (api-contract §3.4, §7.4). */
export const FREE_DAILY_MESSAGES = 5;

/**
 * `user.canSendMessage`: whether the caller may send a chat message now and how many remain today.
 * Premium is always `{canSend: true, messagesLeft: -1}`, on a new day too.
 * Throws NOT_FOUND if the account no longer exists.
 */
export async function canSendMessage(
  deps: Pick<UsersDeps, 'db' | 'clock'>,
  actor: Actor,
): Promise<CanSendMessageDto> {
  const now = deps.clock();
  const state = await repo.findQuotaState(deps.db, actor.userId, now);
  if (!state) throw new AppError('NOT_FOUND', 'User not found');
  if (state.isPremium) return { canSend: true, messagesLeft: -1 };
  const today = localDate(resolveTimeZone(state.timezone), now);
  // A stored date after today (the user moved west) still counts as today: see countMessageIfAllowed.
  const used = state.lastMessageDate && state.lastMessageDate >= today ? (state.messagesUsedToday ?? 0) : 0;
  const messagesLeft = Math.max(0, FREE_DAILY_MESSAGES - used);
  return { canSend: messagesLeft > 0, messagesLeft };
}

/**
 * `user.incrementMessageCount`: counts one chat message (`spendChatMessage`) and returns the profile.
 * Throws RATE_LIMITED when a free user has used today's messages, NOT_FOUND if the account is gone.
 */
export async function incrementMessageCount(deps: UsersDeps, actor: Actor): Promise<UserDto> {
  await spendChatMessage(deps, actor.userId, deps.clock());
  return requireProfile(deps, actor.userId);
}

/**
 * Counts one chat message (today's count, restarted at the user's local midnight, and the lifetime total),
 * in the caller's transaction when given one: `chat.sendMessage` counts in the transaction that stores
 * the exchange, so a reply that is not stored is not counted. The check and the count are one statement,
 * so a burst of concurrent calls cannot exceed the free allowance. Pass the user's zone when it is known
 * (the caller read it already) to save reading it again.
 * Returns the messages left today (-1 for premium), as `canSendMessage` would answer after it, and the
 * user's progression counters, locked by the count until the transaction ends (as `lockLearner` would).
 * Throws RATE_LIMITED when a free user has used today's messages, NOT_FOUND if the account is gone.
 */
export async function spendChatMessage(deps: { db: Db | Tx }, userId: string, now: Date, timeZone?: string) {
  const zone = timeZone ?? resolveTimeZone((await requireQuotaState(deps, userId, now)).timezone);
  const params = { userId, today: localDate(zone, now), now, dailyLimit: FREE_DAILY_MESSAGES };
  // Every account has its stats row from sign-up (auth repo insertUser), so no count means no allowance.
  const counted = await repo.countMessageIfAllowed(deps.db, params);
  if (counted === null) {
    if (timeZone) await requireQuotaState(deps, userId, now); // NOT_FOUND rather than RATE_LIMITED
    throw dailyLimitReached();
  }
  const messagesLeft = counted.isPremium ? -1 : Math.max(0, FREE_DAILY_MESSAGES - counted.usedToday);
  return { messagesLeft, counters: counted.counters };
}

async function requireQuotaState(deps: { db: Db | Tx }, userId: string, now: Date) {
  const state = await repo.findQuotaState(deps.db, userId, now);
  if (!state) throw new AppError('NOT_FOUND', 'User not found');
  return state;
}

/** RATE_LIMITED for a free user out of today's messages. */
export function dailyLimitReached(): AppError {
  return new AppError(
    'RATE_LIMITED',
    `Daily limit of ${FREE_DAILY_MESSAGES} messages reached; it resets at midnight or with Premium`,
  );
}
