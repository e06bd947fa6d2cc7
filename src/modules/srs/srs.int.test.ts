import { asc, eq } from 'drizzle-orm';
import { type Card, createEmptyCard, fsrs, type Grade, Rating, State } from 'ts-fsrs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { setClock, storeSrsPreferences } from '../../../test/srs.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { srsCards, srsReviewLog } from '../../db/schema/index.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const MINUTE = 60_000;
const STATE_NAMES = ['new', 'learning', 'review', 'relearning'];
const RATINGS: Record<Grade, 'again' | 'hard' | 'good' | 'easy'> = {
  [Rating.Again]: 'again',
  [Rating.Hard]: 'hard',
  [Rating.Good]: 'good',
  [Rating.Easy]: 'easy',
};

async function addWord(user: TestUser, word = 'gato') {
  return user.client.vocabulary.add.mutate({ word, translation: 'cat', language: 'es' });
}

async function errorCodeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => expect.unreachable('expected the call to fail'),
    (caught: unknown) => caught,
  );
  return (error as { data: { errorCode: string } }).data.errorCode;
}

describe('srs.submitReview: FSRS scheduling over several reviews', () => {
  it('schedules each review as ts-fsrs does at the server clock: steps, growing intervals, a lapse', async () => {
    const clock = setClock(t, '2031-03-10T09:00:00.000Z');
    const user = await createUser(t);
    const { card: created } = await addWord(user);
    expect(created).toMatchObject({ state: 'new', reps: 0, lapses: 0, kind: 'vocabulary' });
    expect(created.dueAt).toEqual(clock.now());

    // Expectations from ts-fsrs itself, with FSRS's default retention and the same review times.
    const reference = fsrs({ request_retention: 0.9, enable_fuzz: true });
    let expected: Card = createEmptyCard(clock.now());
    const steps: { grade: Grade; state: State }[] = [
      { grade: Rating.Good, state: State.Learning },
      { grade: Rating.Good, state: State.Review },
      { grade: Rating.Good, state: State.Review },
      { grade: Rating.Easy, state: State.Review },
      { grade: Rating.Again, state: State.Relearning },
      { grade: Rating.Good, state: State.Review },
    ];
    const intervals: number[] = [];
    for (const [index, step] of steps.entries()) {
      const now = clock.now();
      expected = reference.next(expected, now, step.grade).card;
      const result = await user.client.srs.submitReview.mutate({
        cardId: created.id,
        rating: RATINGS[step.grade],
        durationMs: 1_000 + index,
      });
      expect(expected.state).toBe(step.state);
      expect(result.nextDueAt).toEqual(expected.due);
      expect(result.card).toMatchObject({
        id: created.id,
        state: STATE_NAMES[step.state],
        dueAt: expected.due,
        lastReviewAt: now,
        scheduledDays: expected.scheduled_days,
        reps: index + 1,
        lapses: expected.lapses,
        item: { word: 'gato', translation: 'cat' },
      });
      expect(result.card.stability).toBeCloseTo(expected.stability, 10);
      expect(result.card.difficulty).toBeCloseTo(expected.difficulty, 10);
      intervals.push(result.nextDueAt.getTime() - now.getTime());
      clock.advance(result.nextDueAt.getTime() - now.getTime());
    }

    // Learning in steps of minutes, then intervals that grow with good and easy; again is a lapse.
    expect(intervals[0]).toBe(10 * MINUTE);
    expect(intervals[2]).toBeGreaterThan(intervals[1]!);
    expect(intervals[3]).toBeGreaterThan(intervals[2]!);
    expect(intervals[4]).toBe(10 * MINUTE);
    expect(intervals[5]).toBeLessThan(intervals[3]!);

    const log = await t.deps.db
      .select()
      .from(srsReviewLog)
      .where(eq(srsReviewLog.cardId, created.id))
      .orderBy(asc(srsReviewLog.reviewedAt));
    expect(log.map((review) => review.rating)).toEqual([3, 3, 3, 4, 1, 3]);
    expect(log.map((review) => review.stateBefore)).toEqual([0, 1, 2, 2, 2, 3]);
    expect(log.map((review) => review.timeTakenMs)).toEqual([1000, 1001, 1002, 1003, 1004, 1005]);
    const [card] = await t.deps.db.select().from(srsCards).where(eq(srsCards.id, created.id));
    expect(card).toMatchObject({ lapses: 1, reps: 6, learningSteps: expected.learning_steps });
  });

  it('lengthens intervals for a learner whose profile asks for an easier schedule (easeAdjPct)', async () => {
    const start = '2031-04-01T09:00:00.000Z';
    const intervalsOf = async (easeAdjPct: number | null) => {
      const clock = setClock(t, start);
      const user = await createUser(t);
      if (easeAdjPct !== null)
        await storeSrsPreferences(t, user.user.id, { newPerDay: 15, reviewCap: 80, easeAdjPct });
      const { card } = await addWord(user);
      const dues: Date[] = [];
      for (let review = 0; review < 3; review++) {
        const result = await user.client.srs.submitReview.mutate({ cardId: card.id, rating: 'good' });
        dues.push(result.nextDueAt);
        clock.advance(result.nextDueAt.getTime() - clock.now().getTime());
      }
      return dues;
    };
    const expectedAt = (retention: number) => {
      const reference = fsrs({ request_retention: retention, enable_fuzz: true });
      let card = createEmptyCard(new Date(start));
      const dues: Date[] = [];
      for (let review = 0; review < 3; review++) {
        card = reference.next(card, dues.at(-1) ?? new Date(start), Rating.Good).card;
        dues.push(card.due);
      }
      return dues;
    };
    const easier = await intervalsOf(20);
    const defaults = await intervalsOf(null);
    expect(easier).toEqual(expectedAt(0.88));
    expect(defaults).toEqual(expectedAt(0.9));
    expect(easier[2]!.getTime()).toBeGreaterThan(defaults[2]!.getTime());
  });

  it('refuses a second review of a card that is no longer due (a double submit) and changes nothing', async () => {
    const clock = setClock(t, '2031-05-01T09:00:00.000Z');
    const user = await createUser(t);
    const { card } = await addWord(user);
    const first = await user.client.srs.submitReview.mutate({ cardId: card.id, rating: 'good' });
    clock.advance(500);
    const again = trpcCall(
      t,
      'srs.submitReview',
      { cardId: card.id, rating: 'easy' },
      {
        headers: { authorization: user.authorization },
      },
    );
    const answer = await again;
    expect(answer.status).toBe(409);
    expect(answer.codes).toEqual(['CONFLICT']);
    expect(answer.items[0]!.error!.json.data.issues).toEqual([
      { path: 'cardId', message: 'Card is not due yet', code: 'NOT_DUE' },
    ]);
    const [stored] = await t.deps.db.select().from(srsCards).where(eq(srsCards.id, card.id));
    expect(stored).toMatchObject({ reps: 1, dueAt: first.nextDueAt });
    expect(await t.deps.db.$count(srsReviewLog, eq(srsReviewLog.cardId, card.id))).toBe(1);
  });

  it('lets concurrent submissions of one due card advance it once', async () => {
    setClock(t, '2031-05-02T09:00:00.000Z');
    const user = await createUser(t);
    const { card } = await addWord(user);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        trpcCall(
          t,
          'srs.submitReview',
          { cardId: card.id, rating: 'good' },
          {
            headers: { authorization: user.authorization },
          },
        ),
      ),
    );
    expect(answers.map((answer) => answer.codes[0]).sort()).toEqual([
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
      'OK',
    ]);
    const [stored] = await t.deps.db.select().from(srsCards).where(eq(srsCards.id, card.id));
    expect(stored!.reps).toBe(1);
    expect(await t.deps.db.$count(srsReviewLog, eq(srsReviewLog.cardId, card.id))).toBe(1);
  });
});

describe("another user's cards", () => {
  it('are NOT_FOUND to submitReview and never in getDue; the owner’s card is untouched', async () => {
    setClock(t, '2031-06-01T09:00:00.000Z');
    const alice = await createUser(t);
    const bob = await createUser(t);
    const { card } = await addWord(alice, 'perro');
    expect(await errorCodeOf(bob.client.srs.submitReview.mutate({ cardId: card.id, rating: 'easy' }))).toBe(
      'NOT_FOUND',
    );
    expect(
      await errorCodeOf(
        bob.client.srs.submitReview.mutate({
          cardId: '3f1b8a0e-9c7d-4e2a-8b1f-6d5c4b3a2f10',
          rating: 'good',
        }),
      ),
    ).toBe('NOT_FOUND');
    expect((await bob.client.srs.getDue.query()).cards).toEqual([]);
    const [stored] = await t.deps.db.select().from(srsCards).where(eq(srsCards.id, card.id));
    expect(stored).toMatchObject({ reps: 0, state: 0 });
    expect((await alice.client.srs.getDue.query()).cards.map((due) => due.id)).toEqual([card.id]);
  });
});

describe('bad input', () => {
  it('answers 400 VALIDATION_ERROR, never 5xx', async () => {
    const user = await createUser(t);
    const headers = { authorization: user.authorization };
    const cardId = '3f1b8a0e-9c7d-4e2a-8b1f-6d5c4b3a2f10';
    const reviews = [
      { cardId, rating: 'meh' },
      { cardId, rating: 3 },
      { cardId: 'not-a-uuid', rating: 'good' },
      { cardId, rating: 'good', durationMs: 300_001 },
      { cardId, rating: 'good', durationMs: -1 },
      { cardId, rating: 'good', durationMs: 1.5 },
      { rating: 'good' },
    ];
    for (const input of reviews) {
      const answer = await trpcCall(t, 'srs.submitReview', input, { headers });
      expect(answer.codes, JSON.stringify(input)).toEqual(['VALIDATION_ERROR']);
    }
    for (const input of [{ limit: 0 }, { limit: 101 }, { limit: 2.5 }, { limit: '5' }]) {
      const answer = await trpcCall(t, 'srs.getDue', input, { headers });
      expect(answer.codes, JSON.stringify(input)).toEqual(['VALIDATION_ERROR']);
    }
  });
});
