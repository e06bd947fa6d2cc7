import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, real, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, instant, oneOf, updatedAt, uuidPk } from '../columns.js';
import { userIdRef } from './users.js';

export const SRS_ITEM_KINDS = ['content_item', 'vocabulary'] as const;

/**
 * One spaced-repetition card per user and item, scheduled with FSRS. `item_ref` points at a content item or
 * a vocabulary entry depending on `item_kind`; a column that targets two tables cannot have a foreign key,
 * so deleting the item must also delete its cards in the same transaction.
 */
export const srsCards = pgTable(
  'srs_cards',
  {
    id: uuidPk(),
    userId: userIdRef(),
    itemRef: text('item_ref').notNull(),
    itemKind: text('item_kind', { enum: SRS_ITEM_KINDS }).notNull(),
    dueAt: instant('due_at').notNull().defaultNow(),
    stability: real('stability').notNull().default(0),
    difficulty: real('difficulty').notNull().default(0),
    elapsedDays: integer('elapsed_days').notNull().default(0),
    scheduledDays: integer('scheduled_days').notNull().default(0),
    reps: integer('reps').notNull().default(0),
    lapses: integer('lapses').notNull().default(0),
    /** FSRS state: 0 new, 1 learning, 2 review, 3 relearning. */
    state: smallint('state').notNull().default(0),
    lastReviewAt: instant('last_review_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('srs_cards_user_id_item_kind_item_ref_idx').on(t.userId, t.itemKind, t.itemRef),
    index('srs_cards_user_id_due_at_idx').on(t.userId, t.dueAt),
    check('srs_cards_item_kind_check', oneOf(t.itemKind, SRS_ITEM_KINDS)),
    check('srs_cards_state_check', sql`${t.state} between 0 and 3`),
    check('srs_cards_stability_check', sql`${t.stability} >= 0`),
    check('srs_cards_difficulty_check', sql`${t.difficulty} between 0 and 10`),
    check(
      'srs_cards_counters_check',
      sql`${t.elapsedDays} >= 0 and ${t.scheduledDays} >= 0 and ${t.reps} >= 0 and ${t.lapses} >= 0`,
    ),
  ],
);

/** Every review, kept to audit the schedule and to fit FSRS parameters per user later. */
export const srsReviewLog = pgTable(
  'srs_review_log',
  {
    id: uuidPk(),
    cardId: uuid('card_id')
      .notNull()
      .references(() => srsCards.id, { onDelete: 'cascade' }),
    userId: userIdRef(),
    /** FSRS rating: 1 again, 2 hard, 3 good, 4 easy. */
    rating: smallint('rating').notNull(),
    /** SM-2 style 0–5 grade when the client sends one (`ReviewSubmitSchema`). */
    quality: smallint('quality'),
    timeTakenMs: integer('time_taken_ms').notNull(),
    stateBefore: smallint('state_before').notNull(),
    dueBefore: instant('due_before').notNull(),
    dueAfter: instant('due_after').notNull(),
    reviewedAt: instant('reviewed_at').notNull().defaultNow(),
  },
  (t) => [
    index('srs_review_log_card_id_reviewed_at_idx').on(t.cardId, t.reviewedAt),
    index('srs_review_log_user_id_reviewed_at_idx').on(t.userId, t.reviewedAt),
    check('srs_review_log_rating_check', sql`${t.rating} between 1 and 4`),
    check('srs_review_log_quality_check', sql`${t.quality} between 0 and 5`),
    check('srs_review_log_time_taken_ms_check', sql`${t.timeTakenMs} between 0 and 300000`),
    check('srs_review_log_state_before_check', sql`${t.stateBefore} between 0 and 3`),
  ],
);

export type SrsCard = typeof srsCards.$inferSelect;
export type NewSrsCard = typeof srsCards.$inferInsert;
export type SrsReview = typeof srsReviewLog.$inferSelect;
export type NewSrsReview = typeof srsReviewLog.$inferInsert;
