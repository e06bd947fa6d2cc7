import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { setClock } from '../../../test/srs.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { srsCards, srsReviewLog, vocabulary } from '../../db/schema/index.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => expect.unreachable('expected the call to fail'),
    (caught: unknown) => caught,
  );
  return (error as { data: { errorCode: string; issues?: unknown } }).data;
}

describe('vocabulary.add', () => {
  it('stores the word with its card, due at once, in the shape the app reads', async () => {
    const clock = setClock(t, '2034-01-01T10:00:00.000Z');
    const user = await createUser(t);
    const added = await user.client.vocabulary.add.mutate({
      word: '  la manzana ',
      translation: 'the apple',
      language: 'es',
      note: 'feminine',
    });
    expect(added.entry).toEqual({
      id: expect.any(String),
      word: 'la manzana',
      translation: 'the apple',
      language: 'es',
      note: 'feminine',
      createdAt: clock.now(),
    });
    expect(added.card).toMatchObject({
      kind: 'vocabulary',
      itemId: added.entry.id,
      state: 'new',
      dueAt: clock.now(),
      reps: 0,
      item: { word: 'la manzana', translation: 'the apple', language: 'es', note: 'feminine' },
    });
    const due = await user.client.srs.getDue.query();
    expect(due.cards.map((card) => card.id)).toEqual([added.card.id]);
  });

  it('refuses the same word in the same language again with CONFLICT naming the field', async () => {
    setClock(t, '2034-01-02T10:00:00.000Z');
    const user = await createUser(t);
    await user.client.vocabulary.add.mutate({ word: 'casa', translation: 'house', language: 'es' });
    const error = await errorOf(
      user.client.vocabulary.add.mutate({ word: 'casa', translation: 'home', language: 'es' }),
    );
    expect(error.errorCode).toBe('CONFLICT');
    expect(error.issues).toEqual([
      { path: 'word', message: expect.stringContaining('already'), code: 'ALREADY_EXISTS' },
    ]);
    // Nothing of the refused add was kept: one entry, one card.
    expect(await t.deps.db.$count(vocabulary, eq(vocabulary.userId, user.user.id))).toBe(1);
    expect(await t.deps.db.$count(srsCards, eq(srsCards.userId, user.user.id))).toBe(1);
    // The same word in another language, or for another user, is another entry.
    await user.client.vocabulary.add.mutate({ word: 'casa', translation: 'house', language: 'pt' });
    const other = await createUser(t);
    await other.client.vocabulary.add.mutate({ word: 'casa', translation: 'house', language: 'es' });
  });
});

describe('vocabulary.list', () => {
  async function addWords(user: TestUser, clock: ReturnType<typeof setClock>, words: [string, string][]) {
    for (const [word, language] of words) {
      clock.advance(1_000);
      await user.client.vocabulary.add.mutate({ word, translation: `${word} (en)`, language });
    }
  }

  it('pages the caller’s words newest first with an opaque cursor, and filters by language', async () => {
    const clock = setClock(t, '2034-02-01T10:00:00.000Z');
    const user = await createUser(t);
    const other = await createUser(t);
    await addWords(user, clock, [
      ['uno', 'es'],
      ['un', 'fr'],
      ['dos', 'es'],
      ['deux', 'fr'],
      ['tres', 'es'],
    ]);
    await addWords(other, clock, [['cuatro', 'es']]);

    const words: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await user.client.vocabulary.list.query({ limit: 2, ...(cursor && { cursor }) });
      expect(page.entries.length).toBeLessThanOrEqual(2);
      words.push(...page.entries.map((entry) => entry.word));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(words).toEqual(['tres', 'deux', 'dos', 'un', 'uno']);

    const spanish = await user.client.vocabulary.list.query({ language: 'es' });
    expect(spanish.entries.map((entry) => entry.word)).toEqual(['tres', 'dos', 'uno']);
    expect(spanish.nextCursor).toBeNull();
    expect((await user.client.vocabulary.list.query()).entries).toHaveLength(5);
    expect((await user.client.vocabulary.list.query({ language: 'de' })).entries).toEqual([]);
  });

  it('keeps entries added in the same millisecond apart by id, none skipped or repeated', async () => {
    setClock(t, '2034-02-02T10:00:00.000Z');
    const user = await createUser(t);
    for (const word of ['a', 'b', 'c', 'd', 'e']) {
      await user.client.vocabulary.add.mutate({ word, translation: word, language: 'it' });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await user.client.vocabulary.list.query({ limit: 2, ...(cursor && { cursor }) });
      seen.push(...page.entries.map((entry) => entry.word));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('refuses a cursor it did not issue with BAD_REQUEST', async () => {
    const user = await createUser(t);
    const headers = { authorization: user.authorization };
    const forged = [
      'not-a-cursor',
      Buffer.from('2034-01-01T00:00:00.000Z|not-a-uuid').toString('base64url'),
      Buffer.from('yesterday|3f1b8a0e-9c7d-4e2a-8b1f-6d5c4b3a2f10').toString('base64url'),
      Buffer.from('+275760-09-13T00:00:00.000Z|3f1b8a0e-9c7d-4e2a-8b1f-6d5c4b3a2f10').toString('base64url'),
      Buffer.from('2034-01-01T00:00:00.000Z|3f1b8a0e-9c7d-4e2a-8b1f-6d5c4b3a2f10|x').toString('base64url'),
    ];
    for (const cursor of forged) {
      const answer = await trpcCall(t, 'vocabulary.list', { cursor }, { headers });
      expect(answer.codes, cursor).toEqual(['BAD_REQUEST']);
    }
  });
});

describe('vocabulary.remove', () => {
  it('deletes the caller’s entry with its card and review history', async () => {
    setClock(t, '2034-03-01T10:00:00.000Z');
    const user = await createUser(t);
    const { entry, card } = await user.client.vocabulary.add.mutate({
      word: 'leche',
      translation: 'milk',
      language: 'es',
    });
    const kept = await user.client.vocabulary.add.mutate({
      word: 'pan',
      translation: 'bread',
      language: 'es',
    });
    await user.client.srs.submitReview.mutate({ cardId: card.id, rating: 'good' });

    expect(await user.client.vocabulary.remove.mutate({ id: entry.id })).toEqual({
      success: true,
      id: entry.id,
    });
    expect((await user.client.vocabulary.list.query()).entries.map((e) => e.id)).toEqual([kept.entry.id]);
    expect(await t.deps.db.$count(srsCards, eq(srsCards.id, card.id))).toBe(0);
    expect(await t.deps.db.$count(srsReviewLog, eq(srsReviewLog.cardId, card.id))).toBe(0);
    expect(await t.deps.db.$count(srsCards, eq(srsCards.id, kept.card.id))).toBe(1);
    // Gone is gone: a second removal finds nothing.
    expect((await errorOf(user.client.vocabulary.remove.mutate({ id: entry.id }))).errorCode).toBe(
      'NOT_FOUND',
    );
  });

  it("answers NOT_FOUND for another user's entry and leaves it, and its card, in place", async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const { entry, card } = await alice.client.vocabulary.add.mutate({
      word: 'queso',
      translation: 'cheese',
      language: 'es',
    });
    expect((await errorOf(bob.client.vocabulary.remove.mutate({ id: entry.id }))).errorCode).toBe(
      'NOT_FOUND',
    );
    expect((await bob.client.vocabulary.list.query()).entries).toEqual([]);
    expect((await alice.client.vocabulary.list.query()).entries.map((e) => e.id)).toEqual([entry.id]);
    expect(await t.deps.db.$count(srsCards, eq(srsCards.id, card.id))).toBe(1);
  });
});

describe('bad input', () => {
  it('answers 400 VALIDATION_ERROR naming the field, never 5xx', async () => {
    const user = await createUser(t);
    const headers = { authorization: user.authorization };
    const valid = { word: 'sol', translation: 'sun', language: 'es' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, word: '' }, 'word'],
      [{ ...valid, word: '   ' }, 'word'],
      [{ ...valid, word: 'x'.repeat(101) }, 'word'],
      [{ ...valid, word: 'so\u0000l' }, 'word'],
      [{ ...valid, translation: '' }, 'translation'],
      [{ ...valid, translation: 'x'.repeat(201) }, 'translation'],
      [{ ...valid, language: 'spanish' }, 'language'],
      [{ ...valid, language: 'e' }, 'language'],
      [{ ...valid, note: 'x'.repeat(501) }, 'note'],
      [{ word: 'sol', translation: 'sun' }, 'language'],
    ];
    for (const [input, field] of cases) {
      const answer = await trpcCall(t, 'vocabulary.add', input, { headers });
      expect(answer.codes, JSON.stringify(input)).toEqual(['VALIDATION_ERROR']);
      const issues = answer.items[0]!.error!.json.data.issues as { path: string }[];
      expect(issues.map((issue) => issue.path)).toContain(field);
    }
    for (const input of [
      { limit: 0 },
      { limit: 101 },
      { language: 'english' },
      { cursor: 'x'.repeat(201) },
    ]) {
      const answer = await trpcCall(t, 'vocabulary.list', input, { headers });
      expect(answer.codes, JSON.stringify(input)).toEqual(['VALIDATION_ERROR']);
    }
    for (const input of [{ id: 'not-a-uuid' }, {}]) {
      const answer = await trpcCall(t, 'vocabulary.remove', input, { headers });
      expect(answer.codes, JSON.stringify(input)).toEqual(['VALIDATION_ERROR']);
    }
    // Limits at their bounds are fine.
    expect((await trpcCall(t, 'vocabulary.list', { limit: 100 }, { headers })).codes).toEqual(['OK']);
    const longest = {
      word: 'x'.repeat(100),
      translation: 'y'.repeat(200),
      language: 'pt-BR',
      note: 'z'.repeat(500),
    };
    expect((await trpcCall(t, 'vocabulary.add', longest, { headers })).codes).toEqual(['OK']);
  });
});
