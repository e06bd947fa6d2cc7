import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { seededContentItemIds, setClock, storeSrsPreferences } from '../../../test/srs.js';
import { srsCards } from '../../db/schema/index.js';
import { ensureCardsForItems } from './service.js';

/**
 * srs.getDue's daily caps: `newPerDay` new cards and `reviewCap` reviews a day, from the learner's
 * preference profile or the defaults (15 and 80), counted over the learner's own day.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const MINUTE = 60_000;
const DAY = 86_400_000;

type Clock = ReturnType<typeof setClock>;

/** Adds `count` words a second apart, so their cards fall due in the order they were added. */
async function addWords(user: TestUser, count: number, clock: Clock): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    clock.advance(1_000);
    const { card } = await user.client.vocabulary.add.mutate({
      word: `palabra-${index}`,
      translation: `word ${index}`,
      language: 'es',
    });
    ids.push(card.id);
  }
  return ids;
}

/** `count` lesson-item cards of the user, already in review and overdue by a day at `now`. */
async function reviewCards(user: TestUser, count: number, now: Date): Promise<void> {
  const ids = await seededContentItemIds(t, count);
  await t.deps.db.transaction((tx) => ensureCardsForItems({ db: tx }, user.user.id, ids));
  await t.deps.db
    .update(srsCards)
    .set({
      state: 2,
      dueAt: new Date(now.getTime() - DAY),
      lastReviewAt: new Date(now.getTime() - 4 * DAY),
      stability: 3,
      difficulty: 5,
      scheduledDays: 3,
      reps: 3,
    })
    .where(and(eq(srsCards.userId, user.user.id), eq(srsCards.itemKind, 'content_item')));
}

/** Rates the cards good, a second apart, so they fall due again in the same order. */
async function reviewAll(user: TestUser, cardIds: string[], clock: Clock) {
  for (const cardId of cardIds) {
    clock.advance(1_000);
    await user.client.srs.submitReview.mutate({ cardId, rating: 'good' });
  }
}

describe('srs.getDue with the default caps (no preference profile)', () => {
  it('serves at most 15 new cards a day, counting the ones already introduced today', async () => {
    const clock = setClock(t, '2032-01-10T09:00:00.000Z');
    const user = await createUser(t);
    const cards = await addWords(user, 17, clock);
    const first = await user.client.srs.getDue.query({ limit: 100 });
    expect(first.remainingToday).toEqual({ reviews: 80, new: 15 });
    expect(first.cards).toHaveLength(15);
    expect(first.cards.every((card) => card.state === 'new')).toBe(true);
    // New cards in the order they were added (their due time), the word on each.
    expect(first.cards.map((card) => card.id)).toEqual(cards.slice(0, 15));
    expect(first.cards[0]!.item).toEqual({
      word: 'palabra-0',
      translation: 'word 0',
      language: 'es',
      note: null,
    });

    await reviewAll(user, cards.slice(0, 2), clock);
    const after = await user.client.srs.getDue.query({ limit: 100 });
    expect(after.remainingToday).toEqual({ reviews: 80, new: 13 });
    expect(after.cards.map((card) => card.id)).toEqual(cards.slice(2, 15));

    // Ten minutes on, the two are due again for their next learning step: reviews come first.
    clock.advance(10 * MINUTE);
    const later = await user.client.srs.getDue.query({ limit: 100 });
    expect(later.cards.map((card) => card.id)).toEqual([...cards.slice(0, 2), ...cards.slice(2, 15)]);
    expect(later.cards.slice(0, 2).map((card) => card.state)).toEqual(['learning', 'learning']);
  });

  it('serves at most 80 reviews a day, then new cards up to the limit', async () => {
    const clock = setClock(t, '2032-01-11T09:00:00.000Z');
    const user = await createUser(t);
    await reviewCards(user, 82, clock.now());
    const words = await addWords(user, 2, clock);
    const due = await user.client.srs.getDue.query({ limit: 100 });
    expect(due.remainingToday).toEqual({ reviews: 80, new: 15 });
    expect(due.cards).toHaveLength(82);
    expect(
      due.cards.slice(0, 80).every((card) => card.state === 'review' && card.kind === 'content_item'),
    ).toBe(true);
    expect(due.cards.slice(80).map((card) => card.id)).toEqual(words);
  });
});

describe('srs.getDue with a stored preference profile', () => {
  it('honours its newPerDay and reviewCap, and the limit', async () => {
    const clock = setClock(t, '2032-02-01T09:00:00.000Z');
    const user = await createUser(t);
    await storeSrsPreferences(t, user.user.id, { newPerDay: 5, reviewCap: 20, easeAdjPct: 0 });
    await reviewCards(user, 22, clock.now());
    await addWords(user, 7, clock);

    const first = await user.client.srs.getDue.query({ limit: 100 });
    expect(first.remainingToday).toEqual({ reviews: 20, new: 5 });
    expect(first.cards.map((card) => card.state)).toEqual([
      ...Array(20).fill('review'),
      ...Array(5).fill('new'),
    ]);
    const item = first.cards[0]!;
    expect(item.kind).toBe('content_item');
    expect(item.item).toEqual({
      type: expect.any(String),
      value: expect.any(String),
      translation: expect.any(String),
      pronunciation: expect.any(String),
      audioUrl: null,
    });

    await reviewAll(
      user,
      first.cards.slice(0, 3).map((card) => card.id),
      clock,
    );
    const after = await user.client.srs.getDue.query({ limit: 100 });
    expect(after.remainingToday).toEqual({ reviews: 17, new: 5 });
    expect(after.cards.filter((card) => card.state === 'review')).toHaveLength(17);

    const page = await user.client.srs.getDue.query({ limit: 4 });
    expect(page.cards.map((card) => card.state)).toEqual(['review', 'review', 'review', 'review']);
    // Without input: twenty at most.
    expect((await user.client.srs.getDue.query()).cards).toHaveLength(20);
  });
});

describe("the caps' day is the learner's own", () => {
  it('starts again at local midnight, not at UTC midnight (Asia/Tokyo, UTC+9)', async () => {
    // 23:50 in Tokyo on 1 March is 14:50 UTC.
    const clock = setClock(t, '2032-03-01T14:50:00.000Z');
    const user = await createUser(t, { timezone: 'Asia/Tokyo' });
    await storeSrsPreferences(t, user.user.id, { newPerDay: 5, reviewCap: 20, easeAdjPct: 0 });
    const cards = await addWords(user, 7, clock);
    await reviewAll(user, cards.slice(0, 5), clock);

    clock.advance(5 * MINUTE); // 23:55 in Tokyo: today's five new cards are used up.
    const lateEvening = await user.client.srs.getDue.query({ limit: 100 });
    expect(lateEvening).toEqual({ cards: [], remainingToday: { reviews: 20, new: 0 } });

    clock.advance(10 * MINUTE); // 00:05 on 2 March in Tokyo, still 1 March in UTC.
    const nextDay = await user.client.srs.getDue.query({ limit: 100 });
    expect(nextDay.remainingToday).toEqual({ reviews: 20, new: 5 });
    expect(nextDay.cards.map((card) => card.id)).toEqual([...cards.slice(0, 5), ...cards.slice(5)]);
  });

  it('does not start again at UTC midnight when that is mid-morning for the learner', async () => {
    // 23:50 UTC on 5 March is 08:50 on 6 March in Tokyo.
    const clock = setClock(t, '2032-03-05T23:50:00.000Z');
    const user = await createUser(t, { timezone: 'Asia/Tokyo' });
    await storeSrsPreferences(t, user.user.id, { newPerDay: 5, reviewCap: 20, easeAdjPct: 0 });
    const cards = await addWords(user, 7, clock);
    await reviewAll(user, cards.slice(0, 5), clock);
    clock.advance(15 * MINUTE); // 00:05 UTC on 6 March, 09:05 in Tokyo: the same day.
    const due = await user.client.srs.getDue.query({ limit: 100 });
    // Reviews of new cards count against newPerDay only.
    expect(due.remainingToday).toEqual({ reviews: 20, new: 0 });
    expect(due.cards.map((card) => card.id)).toEqual(cards.slice(0, 5));
  });
});
