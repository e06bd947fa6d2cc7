import { type Card, type FSRS, fsrs, type Grade, Rating, type State } from 'ts-fsrs';
import type { SRS_RATINGS, SrsCard } from '../../db/schema/index.js';

/** FSRS's default requested retention: a card is due when the chance of recalling it falls to 90 %. */
export const BASE_RETENTION = 0.9;

/** The bounds of the preference profile's `easeAdjPct` (api-contract §3.9). */
const EASE_ADJ_LIMIT = 20;

/**
 * The requested retention for a learner's `easeAdjPct`. The percentage scales the forgetting the
 * scheduler tolerates (1 − retention): +20 (an "easier", longer schedule) accepts 20 % more forgetting,
 * retention 0.88; −20 accepts 20 % less, 0.92. With ts-fsrs's FSRS-6 curve that makes each interval
 * about a third longer (+32 %) or a quarter shorter (−27 %) for the same memory stability (the effect
 * compounds over reviews, since later recall is then tested at a lower or higher retrievability), while
 * the retention stays in the range FSRS is calibrated for. Values past ±20 are taken as ±20.
 */
export function requestRetention(easeAdjPct: number): number {
  const pct = Math.min(EASE_ADJ_LIMIT, Math.max(-EASE_ADJ_LIMIT, easeAdjPct));
  return Math.round((1 - (1 - BASE_RETENTION) * (1 + pct / 100)) * 10_000) / 10_000;
}

// One scheduler per retention: ts-fsrs precomputes from its parameters, and retentions are few.
const schedulers = new Map<number, FSRS>();

/**
 * The ts-fsrs scheduler for a requested retention: FSRS-6 default weights, learning steps 1 m and 10 m,
 * relearning 10 m, and interval fuzz on so that cards learned together do not all fall due on one day
 * (ts-fsrs seeds the fuzz from the review time and the card, so a schedule is reproducible).
 */
export function schedulerFor(retention: number): FSRS {
  let scheduler = schedulers.get(retention);
  if (!scheduler) {
    scheduler = fsrs({ request_retention: retention, enable_fuzz: true });
    schedulers.set(retention, scheduler);
  }
  return scheduler;
}

export type RatingName = (typeof SRS_RATINGS)[number];

const GRADES: Record<RatingName, Grade> = {
  again: Rating.Again,
  hard: Rating.Hard,
  good: Rating.Good,
  easy: Rating.Easy,
};

/** The FSRS grade of a rating name (stored in srs_review_log.rating). */
export const gradeOf = (rating: RatingName): Grade => GRADES[rating];

/** The scheduling columns of a card, as the repository reads and writes them. */
export type CardSchedule = Pick<
  SrsCard,
  | 'dueAt'
  | 'stability'
  | 'difficulty'
  | 'elapsedDays'
  | 'scheduledDays'
  | 'learningSteps'
  | 'reps'
  | 'lapses'
  | 'state'
  | 'lastReviewAt'
>;

const toFsrsCard = (card: CardSchedule): Card => ({
  due: card.dueAt,
  stability: card.stability,
  difficulty: card.difficulty,
  elapsed_days: card.elapsedDays,
  scheduled_days: card.scheduledDays,
  learning_steps: card.learningSteps,
  reps: card.reps,
  lapses: card.lapses,
  state: card.state as State,
  ...(card.lastReviewAt && { last_review: card.lastReviewAt }),
});

/** The card's schedule after a review with `rating` at `now`, computed by ts-fsrs. */
export function nextSchedule(
  card: CardSchedule,
  rating: RatingName,
  now: Date,
  retention: number,
): CardSchedule {
  const next = schedulerFor(retention).next(toFsrsCard(card), now, gradeOf(rating)).card;
  return {
    dueAt: next.due,
    stability: next.stability,
    difficulty: next.difficulty,
    elapsedDays: next.elapsed_days,
    scheduledDays: next.scheduled_days,
    learningSteps: next.learning_steps,
    reps: next.reps,
    lapses: next.lapses,
    state: next.state,
    lastReviewAt: next.last_review ?? now,
  };
}
