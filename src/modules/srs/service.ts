import type { Db, Tx } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { srsPreferencesOf } from '../preferences/service.js';
import { resolveTimeZone, startOfLocalDay } from '../users/local-date.js';
import * as repo from './repo.js';
import { gradeOf, nextSchedule, requestRetention } from './scheduler.js';
import type { DueCardsDto, GetDueInput, ReviewResultDto, SrsCardDto, SubmitReviewInput } from './schema.js';

/** What the spaced-repetition module needs. */
export interface SrsDeps {
  db: Db;
  log: Logger;
  clock: () => Date;
}

/** Who is reviewing. */
export interface SrsActor {
  userId: string;
}

/**
 * `srs.getDue`: the caller's cards due now, at most `limit`: cards already studied first, then new ones,
 * each soonest due first, within the learner's daily caps (preference profile `reviewCap` reviews and
 * `newPerDay` new cards per day, defaults 80 and 15). The day is the learner's own (`users.timezone`), and
 * what they already reviewed since its midnight counts: a review of a new card against `newPerDay`, any
 * other review (learning steps included) against `reviewCap`. Throws NOT_FOUND if the account is gone.
 */
export async function getDueCards(deps: SrsDeps, actor: SrsActor, input: GetDueInput): Promise<DueCardsDto> {
  const now = deps.clock();
  const timezone = await repo.findTimezone(deps.db, actor.userId);
  if (timezone === null) throw new AppError('NOT_FOUND', 'User not found');
  const since = startOfLocalDay(resolveTimeZone(timezone), now);
  const [preferences, today] = await Promise.all([
    srsPreferencesOf(deps, actor.userId),
    repo.countReviewsSince(deps.db, { userId: actor.userId, since }),
  ]);
  const remainingToday = {
    reviews: Math.max(0, preferences.reviewCap - today.reviewed),
    new: Math.max(0, preferences.newPerDay - today.introduced),
  };
  const reviews = await repo.findDueCards(deps.db, {
    userId: actor.userId,
    now,
    fresh: false,
    limit: Math.min(input.limit, remainingToday.reviews),
  });
  const fresh = await repo.findDueCards(deps.db, {
    userId: actor.userId,
    now,
    fresh: true,
    limit: Math.min(input.limit - reviews.length, remainingToday.new),
  });
  return { cards: [...reviews, ...fresh], remainingToday };
}

/**
 * `srs.submitReview`: schedules the caller's card with FSRS (ts-fsrs) from `rating`, at the server's clock
 * and the learner's requested retention (their `easeAdjPct`, srs/scheduler.ts). One transaction locks the
 * card, reschedules it and appends the review to the log, so concurrent reviews of a card serialise.
 *
 * A card can only be reviewed once it is due: the shortest step FSRS schedules is a minute, so a repeated
 * submission (a double tap, a retried request) finds the card no longer due and changes nothing. The
 * daily caps shape the queue `srs.getDue` serves; a due card is reviewable whatever they say.
 * Throws NOT_FOUND for a card that is not the caller's, CONFLICT for a card not due yet.
 */
export async function submitReview(
  deps: SrsDeps,
  actor: SrsActor,
  input: SubmitReviewInput,
): Promise<ReviewResultDto> {
  const now = deps.clock();
  const preferences = await srsPreferencesOf(deps, actor.userId);
  const retention = requestRetention(preferences.easeAdjPct);
  const card = await deps.db.transaction(async (tx) => {
    const before = await repo.lockCard(tx, { userId: actor.userId, cardId: input.cardId });
    if (!before) throw new AppError('NOT_FOUND', 'Card not found');
    if (before.dueAt > now) {
      throw new AppError('CONFLICT', `Card is not due until ${before.dueAt.toISOString()}`, {
        issues: [{ path: 'cardId', message: 'Card is not due yet', code: 'NOT_DUE' }],
      });
    }
    const after = nextSchedule(before, input.rating, now, retention);
    await repo.updateSchedule(tx, before.id, after);
    await repo.insertReview(tx, {
      cardId: before.id,
      userId: actor.userId,
      rating: gradeOf(input.rating),
      timeTakenMs: input.durationMs ?? null,
      stateBefore: before.state,
      dueBefore: before.dueAt,
      dueAfter: after.dueAt,
      reviewedAt: now,
    });
    const updated = await repo.findCard(tx, { userId: actor.userId, cardId: before.id });
    // A card whose item is gone (a lesson item dropped from the content) has nothing to review: undone.
    if (!updated) throw new AppError('NOT_FOUND', 'Card not found');
    return updated;
  });
  deps.log.debug({ cardId: card.id, rating: input.rating, state: card.state }, 'srs review recorded');
  return { card, nextDueAt: card.dueAt };
}

/**
 * Cards for the lesson items a learner has just studied, for the lessons module to call inside its own
 * transaction: creates a card, due at once, for each content item that exists and has none for this user
 * yet; existing cards and unknown ids are left alone, so calling it again is harmless. Returns how many
 * cards were created. Throws nothing of its own.
 */
export async function ensureCardsForItems(
  deps: { db: Tx },
  userId: string,
  contentItemIds: string[],
): Promise<number> {
  const ids = [...new Set(contentItemIds)];
  if (ids.length === 0) return 0;
  return repo.insertContentItemCards(deps.db, { userId, contentItemIds: ids });
}

/**
 * The card of a new vocabulary entry, due at `dueAt`, created in the vocabulary module's transaction.
 * Returns the card with its face. Throws nothing of its own.
 */
export async function createVocabularyCard(
  deps: { db: Tx },
  params: { userId: string; entryId: string; dueAt: Date },
): Promise<SrsCardDto> {
  const cardId = await repo.insertCard(deps.db, {
    userId: params.userId,
    itemKind: 'vocabulary',
    itemRef: params.entryId,
    dueAt: params.dueAt,
  });
  // Found: inserted just now, in this transaction, for the entry inserted just before it.
  const card = await repo.findCard(deps.db, { userId: params.userId, cardId });
  return card!;
}

/** Deletes the cards (and their review log) of vocabulary entries being deleted in the same transaction. */
export function deleteVocabularyCards(deps: { db: Tx }, userId: string, entryIds: string[]): Promise<void> {
  return repo.deleteCardsOfItems(deps.db, { userId, itemKind: 'vocabulary', itemRefs: entryIds });
}
