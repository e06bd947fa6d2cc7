import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeProvider, type RecordedRequest, startFakeProvider } from '../../../test/fake-provider.js';
import { createTestApp, type TestApp, usingRedis } from '../../../test/harness.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { learnContentCache } from '../../db/schema/index.js';
import { CONTENT_VERSION } from '../../db/seed/content/index.js';
import { FALLBACK_LEARN_PAYLOAD } from './fallback.js';
import { LEARN_GENERATOR_VERSION, PROVISIONAL_MAX_AGE_SECONDS } from './generated.js';

const PAIRS = [
  ['sw', 'en'],
  ['ko', 'en'],
  ['ko', 'es'],
  ['nl', 'en'],
  ['pl', 'en'],
  ['tr', 'fr'],
] as const;

/** What the prompt asked for. */
const askedFor = (request: RecordedRequest) => {
  const messages = request.json?.messages as { role: string; content: string }[];
  return JSON.parse(messages[1]!.content) as { targetLanguage: string; nativeLanguage: string };
};

/** A valid model answer, with extras the contract does not have (dropped) and nulls for optional fields. */
function modelAnswer(request: RecordedRequest) {
  const { targetLanguage, nativeLanguage } = askedFor(request);
  return JSON.stringify({
    alphabet: [...'abcdef'].map((character, i) => ({
      id: 'model-chosen',
      character,
      romanization: null,
      pronunciation: `${character}h`,
      type: i % 2 ? 'consonant' : 'vowel',
      difficulty: 1,
      examples: [{ word: `${character}word`, translation: `${nativeLanguage} ${i}` }],
    })),
    numbers: [...Array.from({ length: 21 }, (_, i) => i), 30, 40, 50, 60, 70, 80, 90, 100]
      .reverse()
      .map((value) => ({ value, target: `${targetLanguage}-${value}` })),
    commonWords: Array.from({ length: 12 }, (_, i) => ({
      target: `${targetLanguage} word ${i}`,
      native: `${nativeLanguage} word ${i}`,
      theme: 'people',
      extra: 'dropped',
    })),
    phrases: Array.from({ length: 10 }, (_, i) => ({
      target: `${targetLanguage} phrase ${i}`,
      native: `${nativeLanguage} phrase ${i}`,
      pronunciation: '',
      context: 'greeting',
    })),
    tips: ['one', 'two', 'three'],
    phonics: [{ sound: 'a', ipa: 'a', graphemes: ['a'], examples: [], mouthHint: null }],
    commentary: 'dropped',
  });
}

const contentOf = async (t: TestApp, targetName: string, nativeName = 'English') => {
  const answer = await trpcCall(t, 'learn.getContent', { targetName, nativeName });
  expect(answer.status).toBe(200);
  return { payload: answer.results[0], cacheControl: answer.response.headers.get('cache-control') };
};

const storedRow = async (t: TestApp, targetName: string, nativeName: string) => {
  const [row] = await t.deps.db
    .select()
    .from(learnContentCache)
    .where(and(eq(learnContentCache.targetName, targetName), eq(learnContentCache.nativeName, nativeName)));
  return row;
};

let fake: FakeProvider;
let t: TestApp;
beforeAll(async () => {
  fake = await startFakeProvider();
  t = await createTestApp({ env: { AI_BASE_URL: fake.url, AI_BACKOFF_INITIAL_MS: '1' } });
  // The shared store outlives test runs: forget earlier runs' cached content and leases of these pairs.
  for (const [target, native] of PAIRS) {
    await t.deps.kv.delete(
      `cache:learn:${CONTENT_VERSION}:gen:${LEARN_GENERATOR_VERSION}:${target}:${native}`,
    );
    await t.deps.kv.delete(`learn:generate:${LEARN_GENERATOR_VERSION}:${target}:${native}`);
  }
});
afterAll(async () => {
  await t.close();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.reply = modelAnswer;
});

describe('learn.getContent with an AI provider', () => {
  it('leaves a seeded pair as it was, without asking the provider', async () => {
    const bare = await createTestApp();
    try {
      const seeded = await contentOf(t, 'Spanish');
      expect(seeded.payload).toEqual((await contentOf(bare, 'Spanish')).payload);
      expect(seeded.payload).not.toEqual(FALLBACK_LEARN_PAYLOAD);
      expect(seeded.cacheControl).toBe('public, max-age=60');
      expect(fake.requests).toHaveLength(0);
    } finally {
      await bare.close();
    }
  });

  it('answers the fallback at once, provisionally, then the generated content, validated and stored', async () => {
    fake.setDefault({ kind: 'ok', delayMs: 1_500 });
    const started = performance.now();
    const first = await contentOf(t, 'Swahili');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(first.payload).toEqual(FALLBACK_LEARN_PAYLOAD);
    expect(first.cacheControl).toBe(`public, max-age=${PROVISIONAL_MAX_AGE_SECONDS}`);

    await vi.waitFor(async () => expect(await storedRow(t, 'Swahili', 'English')).toBeDefined(), {
      timeout: 10_000,
      interval: 100,
    });
    expect(fake.requests).toHaveLength(1);
    expect(askedFor(fake.requests[0]!)).toEqual({ targetLanguage: 'Swahili', nativeLanguage: 'English' });

    // Another spelling of the same pair: a new URL, the same stored content, cached as final.
    const generated = await contentOf(t, 'Kiswahili', 'english');
    expect(generated.cacheControl).toBe('public, max-age=60');
    const payload = generated.payload as typeof FALLBACK_LEARN_PAYLOAD;
    expect(payload).not.toEqual(FALLBACK_LEARN_PAYLOAD);
    expect(payload.alphabet[0]).toEqual({
      id: 'sw_0',
      character: 'a',
      pronunciation: 'ah',
      type: 'vowel',
      difficulty: 1,
      examples: [{ word: 'aword', translation: 'English 0' }],
    });
    expect(payload.numbers.map((n) => n.value).slice(0, 3)).toEqual([0, 1, 2]);
    expect(payload.commonWords[0]).toEqual({
      target: 'Swahili word 0',
      native: 'English word 0',
      theme: 'people',
    });
    expect(payload.phrases[0]).toEqual({
      target: 'Swahili phrase 0',
      native: 'English phrase 0',
      context: 'greeting',
    });
    expect(payload.phonics).toEqual([
      { id: 'sw_phonic_0', sound: 'a', ipa: 'a', graphemes: ['a'], examples: [] },
    ]);
    expect(Object.keys(payload)).toEqual([
      'alphabet',
      'numbers',
      'commonWords',
      'phrases',
      'tips',
      'phonics',
    ]);

    const row = await storedRow(t, 'Swahili', 'English');
    expect(row).toMatchObject({ contentVersion: LEARN_GENERATOR_VERSION, payload });
    expect(fake.requests).toHaveLength(1);
  });

  it('keys content per pair: the same target for another native language is generated on its own', async () => {
    await contentOf(t, 'Korean', 'English');
    await contentOf(t, 'Korean', 'Spanish');
    await vi.waitFor(
      async () => {
        expect(await storedRow(t, 'Korean', 'English')).toBeDefined();
        expect(await storedRow(t, 'Korean', 'Spanish')).toBeDefined();
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(
      fake.requests
        .map(askedFor)
        .map((a) => a.nativeLanguage)
        .sort(),
    ).toEqual(['English', 'Spanish']);
    const spanish = (await contentOf(t, 'coreano', 'español')).payload as typeof FALLBACK_LEARN_PAYLOAD;
    expect(spanish.commonWords[0]!.native).toBe('Spanish word 0');
  });

  it('asks the provider once per pair, however many callers and instances ask at once', async () => {
    fake.setDefault({ kind: 'ok', delayMs: 500 });
    // A second instance on the same database; with Redis it shares the store, and so the lease.
    const second = usingRedis() ? await createTestApp({ env: { AI_BASE_URL: fake.url } }) : t;
    try {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          trpcCall(i % 2 ? second : t, 'learn.getContent', {
            targetName: i % 3 ? 'Dutch' : 'nl',
            nativeName: 'English',
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
      for (const answer of answers) expect(answer.results[0]).toEqual(FALLBACK_LEARN_PAYLOAD);
      await vi.waitFor(async () => expect(await storedRow(t, 'Dutch', 'English')).toBeDefined(), {
        timeout: 10_000,
        interval: 100,
      });
      const more = await Promise.all([contentOf(t, 'Nederlands'), contentOf(second, 'Nederlands')]);
      for (const { payload } of more)
        expect(payload).toEqual((await storedRow(t, 'Dutch', 'English'))!.payload);
      expect(fake.requests).toHaveLength(1);
    } finally {
      if (second !== t) await second.close();
    }
  });

  it('never serves invalid model output, asking once more and then waiting for the lease to lapse', async () => {
    fake.reply = (request) => {
      const valid = JSON.parse(modelAnswer(request));
      return JSON.stringify({ ...valid, numbers: valid.numbers.slice(0, 5), alphabet: [{ character: 'a' }] });
    };
    expect((await contentOf(t, 'Polish')).payload).toEqual(FALLBACK_LEARN_PAYLOAD);
    await vi.waitFor(() => expect(fake.requests).toHaveLength(2), { timeout: 10_000, interval: 50 });
    const retry = fake.requests[1]!.json?.messages as { role: string; content: string }[];
    expect(retry.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(retry[3]!.content).toContain('alphabet');

    const again = await contentOf(t, 'polski');
    expect(again.payload).toEqual(FALLBACK_LEARN_PAYLOAD);
    expect(again.cacheControl).toBe(`public, max-age=${PROVISIONAL_MAX_AGE_SECONDS}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.requests).toHaveLength(2);
    expect(await storedRow(t, 'Polish', 'English')).toBeUndefined();
  });

  it('answers the fallback, never an error, while the provider fails or its breaker is open', async () => {
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
      flaky.setDefault({ kind: 'status', status: 500 });
      expect((await contentOf(app, 'Turkish', 'French')).payload).toEqual(FALLBACK_LEARN_PAYLOAD);
      await vi.waitFor(() => expect(app.deps.ai.llm!.circuit).toBe('open'), { timeout: 5_000, interval: 20 });
      const started = performance.now();
      const open = await contentOf(app, 'Türkçe', 'French');
      expect(performance.now() - started).toBeLessThan(500);
      expect(open.payload).toEqual(FALLBACK_LEARN_PAYLOAD);
      expect(open.cacheControl).toBe(`public, max-age=${PROVISIONAL_MAX_AGE_SECONDS}`);
      expect(flaky.requests).toHaveLength(1);
      expect(await storedRow(app, 'Turkish', 'French')).toBeUndefined();
    } finally {
      await app.close();
      await flaky.close();
    }
  });
});

describe('learn.getContent without an AI provider', () => {
  it('answers the fallback at once for a language on the generated list, cached as usual', async () => {
    const bare = await createTestApp();
    try {
      const started = performance.now();
      const answer = await contentOf(bare, 'Swahili', 'Hindi');
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(answer.payload).toEqual(FALLBACK_LEARN_PAYLOAD);
      expect(answer.cacheControl).toBe('public, max-age=60');
    } finally {
      await bare.close();
    }
  });
});
