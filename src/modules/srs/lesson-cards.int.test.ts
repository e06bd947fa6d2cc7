import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { seededContentItemIds, setClock } from '../../../test/srs.js';
import { srsCards } from '../../db/schema/index.js';
import { ensureCardsForItems } from './service.js';

/** ensureCardsForItems, as the lessons module calls it inside its own transaction. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const cardsOf = (userId: string) =>
  t.deps.db
    .select()
    .from(srsCards)
    .where(and(eq(srsCards.userId, userId), eq(srsCards.itemKind, 'content_item')));

describe('ensureCardsForItems', () => {
  it('creates a due card per existing content item, once, and leaves unknown ids and other users alone', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const [first, second, third] = await seededContentItemIds(t, 3);

    const created = await t.deps.db.transaction((tx) =>
      ensureCardsForItems({ db: tx }, alice.user.id, [first!, second!, first!, 'no-such-item']),
    );
    expect(created).toBe(2);
    const cards = await cardsOf(alice.user.id);
    expect(cards.map((card) => card.itemRef).sort()).toEqual([first, second].sort());
    expect(cards.every((card) => card.state === 0 && card.reps === 0)).toBe(true);

    // Again, with one more: only the new item gets a card; the existing ones keep their schedule.
    await t.deps.db.update(srsCards).set({ reps: 4, state: 2 }).where(eq(srsCards.id, cards[0]!.id));
    const again = await t.deps.db.transaction((tx) =>
      ensureCardsForItems({ db: tx }, alice.user.id, [first!, second!, third!]),
    );
    expect(again).toBe(1);
    const after = await cardsOf(alice.user.id);
    expect(after).toHaveLength(3);
    expect(after.find((card) => card.id === cards[0]!.id)).toMatchObject({ reps: 4, state: 2 });

    expect(await t.deps.db.transaction((tx) => ensureCardsForItems({ db: tx }, alice.user.id, []))).toBe(0);
    expect(await cardsOf(bob.user.id)).toEqual([]);
  });

  it("commits or rolls back with the caller's transaction", async () => {
    const user = await createUser(t);
    const [item] = await seededContentItemIds(t, 1);
    await expect(
      t.deps.db.transaction(async (tx) => {
        await ensureCardsForItems({ db: tx }, user.user.id, [item!]);
        expect(await tx.$count(srsCards, eq(srsCards.userId, user.user.id))).toBe(1);
        throw new Error('the lesson submission failed');
      }),
    ).rejects.toThrow('the lesson submission failed');
    expect(await cardsOf(user.user.id)).toEqual([]);
  });

  it('makes cards srs.getDue serves with the lesson item to show, and submitReview schedules', async () => {
    const user = await createUser(t);
    const [item] = await seededContentItemIds(t, 1);
    await t.deps.db.transaction((tx) => ensureCardsForItems({ db: tx }, user.user.id, [item!]));
    // The card is due from its creation, by the database's clock: look from a moment after it.
    setClock(t, new Date(Date.now() + 1_000));
    const due = await user.client.srs.getDue.query();
    expect(due.cards).toHaveLength(1);
    const [card] = due.cards;
    expect(card).toMatchObject({ kind: 'content_item', itemId: item, state: 'new' });
    expect(card!.item).toEqual({
      type: expect.any(String),
      value: expect.any(String),
      translation: expect.any(String),
      pronunciation: expect.any(String),
      audioUrl: null,
    });
    const review = await user.client.srs.submitReview.mutate({ cardId: card!.id, rating: 'easy' });
    expect(review.card).toMatchObject({ state: 'review', reps: 1, item: card!.item });
  });

  it('leaves out a card whose lesson item is gone from the content, and refuses to review it', async () => {
    const user = await createUser(t);
    const [card] = await t.deps.db
      .insert(srsCards)
      .values({ userId: user.user.id, itemKind: 'content_item', itemRef: 'dropped-lesson--item--1' })
      .returning();
    setClock(t, new Date(Date.now() + 1_000));
    expect((await user.client.srs.getDue.query()).cards).toEqual([]);
    // Nor does it take a place in the queue: a card due after it still fills a page of one.
    const { card: word } = await user.client.vocabulary.add.mutate({
      word: 'sí',
      translation: 'yes',
      language: 'es',
    });
    expect((await user.client.srs.getDue.query({ limit: 1 })).cards.map((due) => due.id)).toEqual([word.id]);
    await expect(
      user.client.srs.submitReview.mutate({ cardId: card!.id, rating: 'good' }),
    ).rejects.toMatchObject({
      data: { errorCode: 'NOT_FOUND' },
    });
    const [stored] = await t.deps.db.select().from(srsCards).where(eq(srsCards.id, card!.id));
    expect(stored).toMatchObject({ reps: 0, state: 0 });
  });
});
