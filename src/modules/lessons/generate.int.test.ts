import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { type FakeProvider, type RecordedRequest, startFakeProvider } from '../../../test/fake-provider.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { lessons } from '../../db/schema/index.js';
import { DAILY_GENERATION_QUOTA } from './generate.js';

/** What the test asked the provider for: the user message of the prompt, as sent. */
function requestOf(request: RecordedRequest) {
  const messages = request.json?.messages as { role: string; content: string }[];
  return JSON.parse(messages[1]!.content) as { targetLanguage: string; topic: string; itemCount: number };
}

/** A valid model answer for the request: `itemCount` distinct Spanish words. */
function validLesson(request: RecordedRequest, overrides: Record<string, unknown> = {}) {
  const { itemCount } = requestOf(request);
  return JSON.stringify({
    type: 'vocabulary',
    title: 'Food at the market',
    description: 'Words for buying food',
    icon: '🍎',
    instructions: 'Read each word aloud, then learn its meaning.',
    items: Array.from({ length: itemCount }, (_, i) => ({
      type: 'word',
      value: `palabra${i + 1}`,
      pronunciation: `pa-LA-bra ${i + 1}`,
      translation: `word ${i + 1}`,
    })),
    ...overrides,
  });
}

let fake: FakeProvider;
let t: TestApp;
beforeAll(async () => {
  fake = await startFakeProvider();
  t = await createTestApp({ env: { AI_BASE_URL: fake.url, AI_BACKOFF_INITIAL_MS: '1' } });
});
afterAll(async () => {
  await t.close();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.reply = (request) => validLesson(request);
});

describe('lessons.generate', () => {
  it("stores a validated lesson as the caller's own, practisable, and shown to nobody else", async () => {
    const author = await createUser(t);
    const lesson = await author.client.lessons.generate.mutate({
      language: 'es',
      topic: 'Food',
      itemCount: 5,
    });

    expect(fake.requests).toHaveLength(1);
    expect(requestOf(fake.requests[0]!)).toEqual({
      targetLanguage: 'Spanish',
      topic: 'Food',
      difficulty: 'beginner',
      itemCount: 5,
    });
    expect(fake.requests[0]!.json?.response_format).toEqual({ type: 'json_object' });
    expect(lesson).toMatchObject({
      type: 'vocabulary',
      title: 'Food at the market',
      icon: '🍎',
      difficulty: 'beginner',
      language: 'es',
      xpReward: 25,
      estimatedTime: 8,
      isLocked: false,
    });
    expect(lesson.id).toMatch(/^gen-food-[0-9a-f-]{36}$/);
    expect(lesson.subModules).toHaveLength(1);
    expect(lesson.subModules[0]!.content.items.map((item) => item.value)).toEqual([
      'palabra1',
      'palabra2',
      'palabra3',
      'palabra4',
      'palabra5',
    ]);

    const [row] = await t.deps.db.select().from(lessons).where(eq(lessons.id, lesson.id));
    expect(row).toMatchObject({ source: 'generated', createdBy: author.user.id, position: null });

    // The author reads it back and practises it.
    expect(await author.client.lessons.getGenerated.query({ id: lesson.id })).toEqual(lesson);
    expect((await author.client.lessons.listGenerated.query({})).map((l) => l.id)).toEqual([lesson.id]);
    const practice = await author.client.lessons.getExercises.query({ lessonId: lesson.id });
    expect(practice.exercises.length).toBeGreaterThan(0);
    const result = await author.client.lessons.submit.mutate({
      lessonId: lesson.id,
      answers: practice.exercises.map((exercise) => ({ exerciseId: exercise.id, answer: 'wrong' })),
    });
    expect(result).toMatchObject({ score: 0, total: practice.exercises.length });
    expect(result.results.every((r) => !r.correct)).toBe(true);

    // Nobody else: not another user, not the public (cached) reads, not even for the author.
    const other = await createUser(t);
    await expect(other.client.lessons.getGenerated.query({ id: lesson.id })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
    await expect(other.client.lessons.getExercises.query({ lessonId: lesson.id })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
    expect(await other.client.lessons.listGenerated.query({})).toEqual([]);
    for (const client of [author.client, other.client]) {
      await expect(client.lessons.getById.query({ id: lesson.id })).rejects.toMatchObject({
        data: { code: 'NOT_FOUND' },
      });
      expect((await client.lessons.getAll.query({ language: 'es' })).map((l) => l.id)).not.toContain(
        lesson.id,
      );
    }
  });

  it('asks once more after invalid output, with what was wrong, and uses a valid second answer', async () => {
    const author = await createUser(t);
    let calls = 0;
    fake.reply = (request) => (++calls === 1 ? validLesson(request, { items: [] }) : validLesson(request));
    const lesson = await author.client.lessons.generate.mutate({ topic: 'colours', itemCount: 3 });
    expect(lesson.subModules[0]!.content.items).toHaveLength(3);
    expect(fake.requests).toHaveLength(2);
    const retry = fake.requests[1]!.json?.messages as { role: string; content: string }[];
    expect(retry.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(retry[3]!.content).toContain('items');
  });

  it.each([
    ['not JSON', () => 'Sure! Here is your lesson: a, b, c'],
    [
      'an item type outside the closed list',
      (r: RecordedRequest) =>
        validLesson(r, {
          items: Array.from({ length: 3 }, (_, i) => ({ type: 'video', value: `v${i}`, translation: 'x' })),
        }),
    ],
    ['too long a title', (r: RecordedRequest) => validLesson(r, { title: 'x'.repeat(81) })],
    [
      'too few items',
      (r: RecordedRequest) => validLesson(r, { items: [{ type: 'word', value: 'uno', translation: 'one' }] }),
    ],
    ['profanity', (r: RecordedRequest) => validLesson(r, { description: 'some shit words' })],
  ])('answers UPSTREAM_ERROR after two invalid answers (%s), storing nothing', async (_name, reply) => {
    const author = await createUser(t);
    fake.reply = reply;
    const answer = await trpcCall(
      t,
      'lessons.generate',
      { topic: 'animals', itemCount: 3 },
      {
        headers: { authorization: author.authorization },
      },
    );
    expect(answer.status).toBe(502);
    expect(answer.codes).toEqual(['UPSTREAM_ERROR']);
    expect(fake.requests).toHaveLength(2);
    expect(await author.client.lessons.listGenerated.query({})).toEqual([]);
  });

  it('refuses bad input with a 400 before calling the provider', async () => {
    const author = await createUser(t);
    const headers = { authorization: author.authorization };
    for (const input of [
      { itemCount: 2 },
      { itemCount: 21 },
      { topic: 'x'.repeat(101) },
      { topic: '' },
      { language: 'not a language' },
      { difficulty: 'impossible' },
      { topic: 'fucking verbs' },
    ]) {
      const answer = await trpcCall(t, 'lessons.generate', input, { headers });
      expect(answer.status, JSON.stringify(input)).toBe(400);
      expect(answer.codes).toEqual(['VALIDATION_ERROR']);
    }
    expect(fake.requests).toHaveLength(0);
    const anonymous = await trpcCall(t, 'lessons.generate', {});
    expect(anonymous.status).toBe(401);
  });

  it('redacts personal data from the topic before it reaches the provider', async () => {
    const author = await createUser(t);
    const lesson = await author.client.lessons.generate.mutate({
      topic: 'travel, mail me at ana.lopez@example.com or call +1 415-555-0123, card 4111 1111 1111 1111',
      itemCount: 3,
    });
    const sent = JSON.stringify(fake.requests[0]!.json);
    expect(sent).not.toContain('ana.lopez');
    expect(sent).not.toContain('555-0123');
    expect(sent).not.toContain('4111');
    expect(requestOf(fake.requests[0]!).topic).toBe(
      'travel, mail me at [REDACTED] or call [REDACTED], card [REDACTED]',
    );
    expect(lesson.id).toMatch(/^gen-travel-mail-me-at-redacted-or-ca-[0-9a-f-]{36}$/);
  });

  it('holds a free learner to the daily quota, with Retry-After until their midnight, spending none on failures', async () => {
    const author = await createUser(t, { timezone: 'Asia/Tokyo' });
    const headers = { authorization: author.authorization };
    fake.reply = () => 'nonsense';
    expect((await trpcCall(t, 'lessons.generate', { itemCount: 3 }, { headers })).status).toBe(502);
    fake.reply = (request) => validLesson(request);
    for (let i = 0; i < DAILY_GENERATION_QUOTA.free; i++) {
      expect((await trpcCall(t, 'lessons.generate', { itemCount: 3 }, { headers })).status).toBe(200);
    }
    const before = fake.requests.length;
    const refused = await trpcCall(t, 'lessons.generate', { itemCount: 3 }, { headers });
    expect(refused.status).toBe(429);
    expect(refused.codes).toEqual(['RATE_LIMITED']);
    const retryAfter = Number(refused.response.headers.get('retry-after'));
    // Until the next midnight in Tokyo.
    const now = new Date();
    const tokyo = new Date(now.getTime() + 9 * 3_600_000);
    const midnight =
      Date.UTC(tokyo.getUTCFullYear(), tokyo.getUTCMonth(), tokyo.getUTCDate() + 1) - 9 * 3_600_000;
    expect(Math.abs(retryAfter - (midnight - now.getTime()) / 1000)).toBeLessThan(5);
    expect(fake.requests.length).toBe(before);
  });

  it('runs one generation per learner at a time', async () => {
    const author = await createUser(t);
    fake.setDefault({ kind: 'ok', delayMs: 300 });
    const headers = { authorization: author.authorization };
    const answers = await Promise.all([
      trpcCall(t, 'lessons.generate', { itemCount: 3 }, { headers }),
      trpcCall(t, 'lessons.generate', { itemCount: 3 }, { headers }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 429]);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.response.headers.get('retry-after')).toBe('5');
    expect(fake.requests).toHaveLength(1);
    // Released once done.
    expect((await trpcCall(t, 'lessons.generate', { itemCount: 3 }, { headers })).status).toBe(200);
  });
});

describe('lessons.generate degraded', () => {
  it('answers 503 with Retry-After at once when no provider is configured', async () => {
    const bare = await createTestApp();
    try {
      const author = await createUser(bare);
      const started = performance.now();
      const answer = await trpcCall(
        bare,
        'lessons.generate',
        {},
        { headers: { authorization: author.authorization } },
      );
      expect(performance.now() - started).toBeLessThan(500);
      expect(answer.status).toBe(503);
      expect(answer.codes).toEqual(['SERVICE_UNAVAILABLE']);
      expect(Number(answer.response.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await bare.close();
    }
  });

  it('answers 503 with Retry-After at once, without calling the provider, while its breaker is open', async () => {
    const flaky = await startFakeProvider();
    const app = await createTestApp({
      env: {
        AI_BASE_URL: flaky.url,
        AI_RETRIES: '0',
        AI_BREAKER_FAILURES: '1',
        AI_BREAKER_HALF_OPEN_MS: '60000',
      },
    });
    try {
      const author = await createUser(app);
      const headers = { authorization: author.authorization };
      flaky.queue({ kind: 'status', status: 500 });
      const first = await trpcCall(app, 'lessons.generate', {}, { headers });
      expect(first.status).toBe(503);
      const started = performance.now();
      const open = await trpcCall(app, 'lessons.generate', {}, { headers });
      expect(performance.now() - started).toBeLessThan(500);
      expect(open.status).toBe(503);
      expect(open.codes).toEqual(['SERVICE_UNAVAILABLE']);
      expect(Number(open.response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(flaky.requests).toHaveLength(1);
    } finally {
      await app.close();
      await flaky.close();
    }
  });
});
