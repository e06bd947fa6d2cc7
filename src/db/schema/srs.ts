import { sql } from 'drizzle-orm';
import {
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, instant, oneOf, updatedAt, uuidPk } from '../columns.js';
import { intRule, ruleCheck } from '../rules.js';
import { userIdRef } from './users.js';

export const SRS_ITEM_KINDS = ['content_item', 'vocabulary'] as const;

/** FSRS card states by their stored number (ts-fsrs `State`): 0 new, 1 learning, 2 review, 3 relearning. */
export const SRS_STATES = ['new', 'learning', 'review', 'relearning'] as const;

/** The ratings a review may give, by FSRS number less one (ts-fsrs `Rating`: 1 again … 4 easy). */
export const SRS_RATINGS = ['again', 'hard', 'good', 'easy'] as const;

/** What clients may write into srs_review_log's columns. */
export const SRS_REVIEW_RULES = {
  /** How long the learner took to answer, at most five minutes. */
  timeTakenMs: intRule(0, 300_000),
} as const;

/**
 * One spaced-repetition card per user and item, scheduled with FSRS (ts-fsrs): the columns are ts-fsrs's
 * `Card`. `item_ref` points at a content item or a vocabulary entry depending on `item_kind`; a column that
 * targets two tables cannot have a foreign key, so deleting the item must also delete its cards in the same
 * transaction.
 */
export const srsCards = pgTable(
  'srs_cards',
  {
    id: uuidPk(),
    userId: userIdRef(),
    itemRef: text('item_ref').notNull(),
    itemKind: text('item_kind', { enum: SRS_ITEM_KINDS }).notNull(),
    dueAt: instant('due_at').notNull().defaultNow(),
    // Double precision: ts-fsrs computes in doubles, and a rounded stability would drift from its schedule.
    stability: doublePrecision('stability').notNull().default(0),
    difficulty: doublePrecision('difficulty').notNull().default(0),
    elapsedDays: integer('elapsed_days').notNull().default(0),
    scheduledDays: integer('scheduled_days').notNull().default(0),
    /** The (re)learning step the card is at; FSRS needs it to schedule the next step. */
    learningSteps: integer('learning_steps').notNull().default(0),
    reps: integer('reps').notNull().default(0),
    lapses: integer('lapses').notNull().default(0),
    /** FSRS state, an index of SRS_STATES. */
    state: smallint('state').notNull().default(0),
    lastReviewAt: instant('last_review_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('srs_cards_user_id_item_kind_item_ref_idx').on(t.userId, t.itemKind, t.itemRef),
    index('srs_cards_user_id_due_at_idx').on(t.userId, t.dueAt),
    check('srs_cards_item_kind_check', oneOf(t.itemKind, SRS_ITEM_KINDS)),
    check('srs_cards_state_check', sql`${t.state} between 0 and ${sql.raw(String(SRS_STATES.length - 1))}`),
    check('srs_cards_stability_check', sql`${t.stability} >= 0`),
    check('srs_cards_difficulty_check', sql`${t.difficulty} between 0 and 10`),
    check(
      'srs_cards_counters_check',
      sql`${t.elapsedDays} >= 0 and ${t.scheduledDays} >= 0 and ${t.learningSteps} >= 0 and ${t.reps} >= 0 and ${t.lapses} >= 0`,
    ),
  ],
);

/**
 * Every review, kept to audit the schedule, to count the day's reviews against the learner's daily caps,
 * and to fit FSRS parameters per user later.
 */
export const srsReviewLog = pgTable(
  'srs_review_log',
  {
    id: uuidPk(),
    cardId: uuid('card_id')
      .notNull()
      .references(() => srsCards.id, { onDelete: 'cascade' }),
    userId: userIdRef(),
    /** FSRS rating: 1 again, 2 hard, 3 good, 4 easy (an index of SRS_RATINGS, plus one). */
    rating: smallint('rating').notNull(),
    /** SM-2 style 0–5 grade when the client sends one (`ReviewSubmitSchema`). */
    quality: smallint('quality'),
    /** Null when the client did not say how long the answer took. */
    timeTakenMs: integer('time_taken_ms'),
    stateBefore: smallint('state_before').notNull(),
    dueBefore: instant('due_before').notNull(),
    dueAfter: instant('due_after').notNull(),
    reviewedAt: instant('reviewed_at').notNull().defaultNow(),
  },
  (t) => [
    index('srs_review_log_card_id_reviewed_at_idx').on(t.cardId, t.reviewedAt),
    index('srs_review_log_user_id_reviewed_at_idx').on(t.userId, t.reviewedAt),
    check(
      'srs_review_log_rating_check',
      sql`${t.rating} between 1 and ${sql.raw(String(SRS_RATINGS.length))}`,
    ),
    check('srs_review_log_quality_check', sql`${t.quality} between 0 and 5`),
    ruleCheck('srs_review_log', t.timeTakenMs, SRS_REVIEW_RULES.timeTakenMs),
    check(
      'srs_review_log_state_before_check',
      sql`${t.stateBefore} between 0 and ${sql.raw(String(SRS_STATES.length - 1))}`,
    ),
  ],
);

export type SrsCard = typeof srsCards.$inferSelect;
export type NewSrsCard = typeof srsCards.$inferInsert;
export type SrsReview = typeof srsReviewLog.$inferSelect;
export type NewSrsReview = typeof srsReviewLog.$inferInsert;
