import { createEmptyCard, fsrs, type Grade, Rating, State } from 'ts-fsrs';
import { describe, expect, it } from 'vitest';
import { BASE_RETENTION, type CardSchedule, nextSchedule, requestRetention } from './scheduler.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

const newCard = (at: Date): CardSchedule => ({
  dueAt: at,
  stability: 0,
  difficulty: 0,
  elapsedDays: 0,
  scheduledDays: 0,
  learningSteps: 0,
  reps: 0,
  lapses: 0,
  state: 0,
  lastReviewAt: null,
});

describe('requestRetention', () => {
  it('is FSRS’s 0.9 without an adjustment, and scales the tolerated forgetting by easeAdjPct', () => {
    expect(requestRetention(0)).toBe(BASE_RETENTION);
    expect(requestRetention(20)).toBe(0.88);
    expect(requestRetention(-20)).toBe(0.92);
    expect(requestRetention(5)).toBe(0.895);
    expect(requestRetention(-5)).toBe(0.905);
  });

  it('takes values past ±20 as ±20', () => {
    expect(requestRetention(100)).toBe(0.88);
    expect(requestRetention(-100)).toBe(0.92);
  });
});

describe('nextSchedule', () => {
  it('follows ts-fsrs over several reviews, from the stored columns and back', () => {
    const reference = fsrs({ request_retention: 0.9, enable_fuzz: true });
    let now = new Date('2031-03-10T09:00:00.000Z');
    let expected = createEmptyCard(now);
    let card = newCard(now);
    const ratings = ['good', 'good', 'good', 'easy', 'again', 'good', 'hard'] as const;
    const grades: Grade[] = [
      Rating.Good,
      Rating.Good,
      Rating.Good,
      Rating.Easy,
      Rating.Again,
      Rating.Good,
      Rating.Hard,
    ];
    for (const [index, rating] of ratings.entries()) {
      expected = reference.next(expected, now, grades[index]!).card;
      card = nextSchedule(card, rating, now, 0.9);
      expect(card).toEqual({
        dueAt: expected.due,
        stability: expected.stability,
        difficulty: expected.difficulty,
        elapsedDays: expected.elapsed_days,
        scheduledDays: expected.scheduled_days,
        learningSteps: expected.learning_steps,
        reps: expected.reps,
        lapses: expected.lapses,
        state: expected.state,
        lastReviewAt: now,
      });
      now = card.dueAt;
    }
  });

  it('walks a new card through learning steps into review, and a lapse through relearning', () => {
    let now = new Date('2031-03-10T09:00:00.000Z');
    let card = nextSchedule(newCard(now), 'good', now, 0.9);
    expect(card).toMatchObject({ state: State.Learning, learningSteps: 1, scheduledDays: 0, reps: 1 });
    expect(card.dueAt.getTime() - now.getTime()).toBe(10 * MINUTE);

    now = card.dueAt;
    card = nextSchedule(card, 'good', now, 0.9);
    expect(card.state).toBe(State.Review);
    const intervals = [card.scheduledDays];
    for (const rating of ['good', 'easy'] as const) {
      now = card.dueAt;
      card = nextSchedule(card, rating, now, 0.9);
      intervals.push(card.scheduledDays);
    }
    // Each successful review lengthens the interval.
    expect(intervals[0]).toBeGreaterThanOrEqual(1);
    expect(intervals[1]).toBeGreaterThan(intervals[0]!);
    expect(intervals[2]).toBeGreaterThan(intervals[1]!);
    expect(card.dueAt.getTime() - now.getTime()).toBe(intervals[2]! * DAY);

    now = card.dueAt;
    const stabilityBefore = card.stability;
    card = nextSchedule(card, 'again', now, 0.9);
    expect(card).toMatchObject({ state: State.Relearning, lapses: 1, scheduledDays: 0 });
    expect(card.stability).toBeLessThan(stabilityBefore);
    expect(card.dueAt.getTime() - now.getTime()).toBe(10 * MINUTE);

    now = card.dueAt;
    card = nextSchedule(card, 'good', now, 0.9);
    expect(card.state).toBe(State.Review);
    expect(card.scheduledDays).toBeLessThan(intervals[2]!);
  });

  it('keeps the learning step a card is at: good at the last step graduates, at the first it does not', () => {
    const now = new Date('2031-03-10T09:00:00.000Z');
    const atLastStep = nextSchedule(newCard(now), 'good', now, 0.9);
    expect(atLastStep.learningSteps).toBe(1);
    const later = atLastStep.dueAt;
    expect(nextSchedule(atLastStep, 'good', later, 0.9).state).toBe(State.Review);
    expect(nextSchedule({ ...atLastStep, learningSteps: 0 }, 'good', later, 0.9).state).toBe(State.Learning);
  });

  it('schedules longer intervals at a lower requested retention', () => {
    const start = new Date('2031-03-10T09:00:00.000Z');
    const learning = nextSchedule(newCard(start), 'good', start, 0.9);
    const intervalAt = (easeAdjPct: number) => {
      const retention = requestRetention(easeAdjPct);
      const first = nextSchedule(learning, 'good', learning.dueAt, retention);
      return nextSchedule(first, 'good', first.dueAt, retention).scheduledDays;
    };
    expect(intervalAt(20)).toBeGreaterThan(intervalAt(0));
    expect(intervalAt(-20)).toBeLessThan(intervalAt(0));
  });
});
