import { z } from 'zod';
import type { CONTENT_ITEM_TYPES } from '../../db/columns.js';
import { boundedInt } from '../../db/rules.js';
import {
  type SRS_ITEM_KINDS,
  SRS_RATINGS,
  SRS_REVIEW_RULES,
  type SRS_STATES,
  srsReviewLog,
} from '../../db/schema/index.js';

/** Most cards one `srs.getDue` returns. */
export const DUE_PAGE_MAX = 100;

/** `srs.getDue`: the input may be left out; `limit` defaults to 20. */
export const getDueInput = z
  .object({ limit: z.number().int().min(1).max(DUE_PAGE_MAX).default(20) })
  .prefault({});
export type GetDueInput = z.infer<typeof getDueInput>;

/** `srs.submitReview`: the caller's answer to one card. */
export const submitReviewInput = z.object({
  cardId: z.uuid(),
  // Stored as the FSRS number (srs_review_log.rating), not as given: no column holds the name.
  rating: z.enum(SRS_RATINGS),
  durationMs: boundedInt(SRS_REVIEW_RULES.timeTakenMs, srsReviewLog.timeTakenMs).optional(),
});
export type SubmitReviewInput = z.infer<typeof submitReviewInput>;

/** What the app shows on a vocabulary card: the learner's own word. */
export interface VocabularyFace {
  word: string;
  translation: string;
  language: string;
  note: string | null;
}

/** What the app shows on a lesson-item card: the content item of the lesson. */
export interface ContentItemFace {
  type: (typeof CONTENT_ITEM_TYPES)[number];
  value: string;
  translation: string | null;
  pronunciation: string | null;
  audioUrl: string | null;
}

interface CardBase {
  id: string;
  /** The vocabulary entry's or the content item's id. */
  itemId: string;
  state: (typeof SRS_STATES)[number];
  dueAt: Date;
  lastReviewAt: Date | null;
  /** Days to the due date the last review set (0 while learning in steps of minutes). */
  scheduledDays: number;
  reps: number;
  lapses: number;
  /** FSRS memory stability (days) and difficulty (1–10; 0 before the first review). */
  stability: number;
  difficulty: number;
}

/** A card with what the app needs to show it. */
export type SrsCardDto =
  | (CardBase & { kind: Extract<(typeof SRS_ITEM_KINDS)[number], 'vocabulary'>; item: VocabularyFace })
  | (CardBase & { kind: Extract<(typeof SRS_ITEM_KINDS)[number], 'content_item'>; item: ContentItemFace });

export interface DueCardsDto {
  /** Cards due now: reviews (cards already studied) first, then new cards, each by due time. */
  cards: SrsCardDto[];
  /** What today's caps still allow, counted before any of `cards` is reviewed. */
  remainingToday: { reviews: number; new: number };
}

export interface ReviewResultDto {
  card: SrsCardDto;
  nextDueAt: Date;
}
