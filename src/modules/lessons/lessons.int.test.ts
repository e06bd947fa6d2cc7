import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TrpcClient } from '../../../test/harness.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { CONTENT_VERSION } from '../../db/seed/content/index.js';

let t: TestApp;
let client: TrpcClient;
beforeAll(async () => {
  t = await createTestApp();
  client = await t.trpc();
});
afterAll(() => t.close());

describe('lessons.getAll', () => {
  it('returns the seeded catalogue in the contract shape', async () => {
    const lessons = await client.lessons.getAll.query({});
    expect(new Set(lessons.map((lesson) => lesson.language))).toEqual(
      new Set(['es', 'fr', 'de', 'it', 'pt', 'ja']),
    );
    const alphabet = lessons.find((lesson) => lesson.id === 'alphabet-basics');
    expect(alphabet).toMatchObject({
      type: 'alphabet',
      title: 'Alphabet Basics',
      difficulty: 'beginner',
      estimatedTime: 15,
      xpReward: 50,
      isLocked: false,
      language: 'es',
    });
    const subModule = alphabet!.subModules[0]!;
    expect(subModule).toMatchObject({
      type: 'lesson',
      isCompleted: false,
      content: { instructions: expect.any(String) },
    });
    expect(subModule.content.items[0]).toEqual({
      id: expect.any(String),
      type: 'character',
      value: 'A',
      pronunciation: expect.any(String),
      translation: expect.any(String),
    });
  });

  it('filters by language, type and difficulty together', async () => {
    const french = await client.lessons.getAll.query({ language: 'fr', difficulty: 'beginner' });
    expect(french.length).toBeGreaterThan(0);
    expect(french.every((lesson) => lesson.language === 'fr' && lesson.difficulty === 'beginner')).toBe(true);
    const numbers = await client.lessons.getAll.query({ language: 'es', type: 'numbers' });
    expect(numbers.map((lesson) => lesson.id)).toContain('numbers-1-10');
    expect(await client.lessons.getAll.query({ language: 'xx' })).toEqual([]);
  });

  it('keeps course order within a language', async () => {
    const japanese = await client.lessons.getAll.query({ language: 'ja' });
    const positions = japanese.map((lesson) => lesson.id);
    expect(positions.length).toBeGreaterThanOrEqual(8);
    expect(japanese[0]!.difficulty).toBe('beginner');
  });

  it('serves repeated reads from the shared cache with the same answer', async () => {
    // Without the whole-response cache in front, so a repeated read reaches the service and its cache.
    const uncached = await createTestApp({ env: { RESPONSE_CACHE_SECONDS: '0' } });
    // A filter no other test reads: this test puts a sentinel under its key in the shared store.
    const filter = { language: 'de', difficulty: 'beginner' };
    const key = `cache:lessons:${CONTENT_VERSION}:de:*:beginner`;
    const read = async () => {
      const answer = await trpcCall(uncached, 'lessons.getAll', filter);
      expect(answer.codes).toEqual(['OK']);
      expect(answer.response.headers.get('cache-control')).toBeNull();
      return answer.results[0];
    };
    try {
      await uncached.deps.kv.delete(key);
      const first = (await read()) as { language: string }[];
      expect(first.length).toBeGreaterThan(0);
      expect(first.every((lesson) => lesson.language === 'de')).toBe(true);
      // The cache write does not hold up the answer: wait until it has landed.
      await expect.poll(() => uncached.deps.kv.get(key)).not.toBeNull();
      expect(await read()).toEqual(first);

      // What the shared store holds is what the next read answers: the database is not asked.
      // A whole lesson: the procedure's output schema checks what it answers, from the store too.
      const sentinel = [{ ...first[0], id: 'sentinel-from-the-shared-store' }];
      await uncached.deps.kv.set(key, JSON.stringify(sentinel), 60_000);
      expect(await read()).toEqual(sentinel);
    } finally {
      await uncached.deps.kv.delete(key);
      await uncached.close();
    }
  });

  it.each([
    [{ difficulty: 'impossible' }],
    [{ language: 'x'.repeat(100) }],
    [{ language: "es' OR 1=1 --" }],
    [{ type: { $ne: null } }],
  ])('rejects bad filters with 400 and never a 500: %o', async (input) => {
    const answer = await trpcCall(t, 'lessons.getAll', input);
    expect(answer.status).toBe(400);
  });
});

describe('lessons.getById', () => {
  it('returns one lesson with its content', async () => {
    const lesson = await client.lessons.getById.query({ id: 'numbers-1-10' });
    expect(lesson.title).toBe('Numbers 1-10');
    expect(
      lesson.subModules.flatMap((subModule) => subModule.content.items).map((item) => item.value),
    ).toContain('uno');
  });

  it('answers an unknown id with NOT_FOUND, not a 500', async () => {
    await expect(client.lessons.getById.query({ id: 'no-such-lesson' })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND', httpStatus: 404 },
    });
  });
});
