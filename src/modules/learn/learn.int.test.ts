import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { type Database, openPglite } from '../../db/client.js';
import { runMigrations } from '../../db/migrate.js';
import type { LearnPayload } from '../../db/schema/index.js';
import { CONTENT_VERSION, learnLanguages, learnWords } from '../../db/seed/content/index.js';
import { seedIfNeeded } from '../../db/seed/seed.js';
import { createLogger } from '../../lib/logger.js';
import { FALLBACK_LEARN_PAYLOAD } from './fallback.js';

/** `LearnPayload` of api-contract §3.8, refusing any key it does not list. */
const example = z.strictObject({
  word: z.string(),
  translation: z.string(),
  pronunciation: z.string().optional(),
});
const learnPayload = z.strictObject({
  alphabet: z.array(
    z.strictObject({
      id: z.string(),
      character: z.string(),
      romanization: z.string().optional(),
      pronunciation: z.string(),
      type: z.enum(['vowel', 'consonant', 'special']),
      difficulty: z.number(),
      examples: z.array(example),
    }),
  ),
  numbers: z.array(
    z.strictObject({ value: z.number(), target: z.string(), pronunciation: z.string().optional() }),
  ),
  commonWords: z.array(
    z.strictObject({
      target: z.string(),
      native: z.string(),
      pronunciation: z.string().optional(),
      theme: z.string(),
    }),
  ),
  phrases: z.array(
    z.strictObject({
      target: z.string(),
      native: z.string(),
      pronunciation: z.string().optional(),
      context: z.string(),
    }),
  ),
  tips: z.array(z.string()),
  phonics: z
    .array(
      z.strictObject({
        id: z.string(),
        sound: z.string(),
        ipa: z.string().optional(),
        graphemes: z.array(z.string()),
        examples: z.array(z.strictObject({ word: z.string(), translation: z.string() })),
        mouthHint: z.string().optional(),
      }),
    )
    .optional(),
});

const NAMES = { es: 'Spanish', fr: 'French', de: 'German', it: 'Italian', pt: 'Portuguese', ja: 'Japanese' };

let t: TestApp;
/** Reads the service without the whole-response cache in front (the shared-store cache still applies). */
let uncached: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  uncached = await createTestApp({ env: { RESPONSE_CACHE_SECONDS: '0' } });
});
afterAll(async () => {
  await t.close();
  await uncached.close();
});

const getContent = (app: TestApp, targetName: string, nativeName: string) =>
  trpcCall(app, 'learn.getContent', { targetName, nativeName });

async function contentOf(targetName: string, nativeName: string, app = t): Promise<LearnPayload> {
  const answer = await getContent(app, targetName, nativeName);
  expect(answer.codes, `${targetName}/${nativeName}`).toEqual(['OK']);
  // No `meta`: nothing in the payload needs superjson (no undefined values, no dates).
  expect(answer.items[0]?.result?.data.meta).toBeUndefined();
  return answer.results[0] as LearnPayload;
}

describe('learn.getContent for a seeded language', () => {
  it('answers Spanish for English speakers with real content, exactly in the contract shape', async () => {
    const content = await contentOf('Spanish', 'English');
    expect(learnPayload.safeParse(content).error).toBeUndefined();

    expect(content.alphabet).toHaveLength(27);
    expect(content.alphabet.find((letter) => letter.character === 'Ñ')).toEqual({
      id: 'es-ñ',
      character: 'Ñ',
      pronunciation: 'ny, as in "canyon"',
      type: 'special',
      difficulty: 2,
      examples: [{ word: 'niño', translation: 'child', pronunciation: 'NEE-nyoh' }],
    });
    expect(content.numbers).toHaveLength(29);
    expect(content.numbers[0]).toEqual({ value: 0, target: 'cero', pronunciation: 'SEH-roh' });
    expect(content.numbers.at(-1)).toEqual({ value: 100, target: 'cien', pronunciation: 'SYEN' });
    expect(content.commonWords).toHaveLength(30);
    expect(content.commonWords).toContainEqual({
      target: 'el agua',
      native: 'water',
      pronunciation: 'el AH-gwah',
      theme: 'food',
    });
    expect(new Set(content.commonWords.map((word) => word.theme))).toEqual(
      new Set(['people', 'time', 'places', 'food', 'travel']),
    );
    expect(content.phrases).toHaveLength(30);
    expect(content.phrases).toContainEqual({
      target: '¿Dónde está el baño?',
      native: 'Where is the bathroom?',
      pronunciation: 'DOHN-deh es-TAH el BAH-nyoh',
      context: 'travel',
    });
    expect(content.tips).toHaveLength(8);
    expect(content.phonics?.length).toBeGreaterThanOrEqual(12);
    expect(content.phonics?.[0]).toMatchObject({ id: 'es-a', sound: 'a', ipa: '/a/', graphemes: ['a'] });
  });

  it.each(Object.entries(NAMES))(
    'answers real content for %s (%s) that is not the fallback',
    async (code, name) => {
      const content = await contentOf(name, 'English');
      expect(learnPayload.safeParse(content).error).toBeUndefined();
      const seeded = learnLanguages.find((language) => language.language === code)!;
      expect(content.alphabet.map((letter) => letter.character)).toEqual(
        seeded.alphabet.map((letter) => letter.character),
      );
      expect(content.numbers.map((number) => number.target)).toEqual(
        seeded.numbers.map((number) => number.target),
      );
      expect(content.tips).toEqual(seeded.tips);
      expect(content.commonWords.every((word) => word.target !== word.native)).toBe(true);
      expect(content).not.toEqual(FALLBACK_LEARN_PAYLOAD);
    },
  );

  it('gives Japanese as kana with romaji', async () => {
    const content = await contentOf('Japanese', 'English');
    expect(content.alphabet).toHaveLength(46);
    expect(content.alphabet[5]).toEqual({
      id: 'ja-ka',
      character: 'か',
      romanization: 'ka',
      pronunciation: 'ka',
      type: 'consonant',
      difficulty: 1,
      examples: [{ word: 'かさ', translation: 'umbrella', pronunciation: 'kasa' }],
    });
    expect(content.numbers[1]).toEqual({ value: 1, target: 'いち', pronunciation: 'ichi' });
  });

  it('translates words and phrases into any seeded native language, and into English for any other', async () => {
    const water = learnWords.find((word) => word.id === 'water')!;
    for (const [targetCode, targetName] of Object.entries(NAMES) as [keyof typeof NAMES, string][]) {
      for (const [nativeCode, nativeName] of Object.entries({ ...NAMES, en: 'English' })) {
        const content = await contentOf(targetName, nativeName);
        expect(learnPayload.safeParse(content).error, `${targetName}/${nativeName}`).toBeUndefined();
        const expected = nativeCode === 'en' ? water.en : water[nativeCode as keyof typeof NAMES][0];
        expect(content.commonWords.find((word) => word.target === water[targetCode][0])?.native).toBe(
          expected,
        );
      }
    }
    expect(await contentOf('French', 'Español')).toMatchObject({
      phrases: expect.arrayContaining([expect.objectContaining({ target: 'Merci', native: 'Gracias' })]),
    });
    // A native language without translations gets the English ones: the same answer as for English.
    expect(await contentOf('German', 'Klingon')).toEqual(await contentOf('German', 'English'));
  });

  it('resolves display names however they are written', async () => {
    const spanish = await contentOf('Spanish', 'English');
    expect(await contentOf('  español ', 'english')).toEqual(spanish);
    expect(await contentOf('es-MX', 'Inglés')).toEqual(spanish);
  });
});

describe('learn.getContent for any other language', () => {
  it('answers the deterministic fallback, byte for byte the same for every call and every unknown pair', async () => {
    const answers = await Promise.all(
      [
        ['Klingon', 'English'],
        ['Klingon', 'English'],
        ['Swahili', 'Hindi'],
        ['English', 'Spanish'],
        ['\u0000', '\uD800'],
        ['x'.repeat(64), 'y'.repeat(64)],
      ].map(([target, native]) => getContent(uncached, target!, native!)),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.results[0]).toEqual(FALLBACK_LEARN_PAYLOAD);
      expect(answer.text).toBe(answers[0]!.text);
    }
    expect(learnPayload.safeParse(answers[0]!.results[0]).error).toBeUndefined();
  });

  it('refuses only names past the bounds, with 400', async () => {
    for (const input of [
      { targetName: '', nativeName: 'English' },
      { targetName: '   ', nativeName: 'English' },
      { targetName: 'Spanish', nativeName: 'x'.repeat(65) },
      { targetName: 'Spanish' },
      { targetName: 42, nativeName: 'English' },
    ]) {
      const answer = await trpcCall(t, 'learn.getContent', input);
      expect(answer.status, JSON.stringify(input)).toBe(400);
      expect(answer.codes).toEqual(['VALIDATION_ERROR']);
    }
  });
});

describe('learn.getContent caching', () => {
  it('gives the same text on every call', async () => {
    const first = await getContent(uncached, 'Portuguese', 'English');
    const second = await getContent(uncached, 'Portuguese', 'English');
    expect(second.text).toBe(first.text);
  });

  it('is a public cached read, served with Cache-Control: public', async () => {
    const first = await getContent(t, 'French', 'German');
    expect(first.response.headers.get('cache-control')).toBe('public, max-age=60');
    const second = await getContent(t, 'French', 'German');
    expect(second.response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(second.text).toBe(first.text);
  });

  it('serves repeated reads from the shared store, keyed on the content version and language codes', async () => {
    // A pair no other test reads: this test puts a sentinel under its key in the shared store.
    const key = `cache:learn:${CONTENT_VERSION}:it:de`;
    const read = async (targetName: string, nativeName: string) => {
      const answer = await getContent(uncached, targetName, nativeName);
      expect(answer.codes).toEqual(['OK']);
      expect(answer.response.headers.get('cache-control')).toBeNull();
      return answer.results[0];
    };
    try {
      await uncached.deps.kv.delete(key);
      const first = (await read('Italian', 'German')) as LearnPayload;
      expect(first.commonWords[0]).toMatchObject({ target: "l'amico", native: 'der Freund' });
      await expect.poll(() => uncached.deps.kv.get(key)).not.toBeNull();
      expect(await read('Italian', 'German')).toEqual(first);

      // What the shared store holds is what the next read answers, under every name of the pair.
      const sentinel = { ...first, tips: ['sentinel from the shared store'] };
      await uncached.deps.kv.set(key, JSON.stringify(sentinel), 60_000);
      expect(await read('Italiano', 'Deutsch')).toEqual(sentinel);
    } finally {
      await uncached.deps.kv.delete(key);
    }
  });
});

describe('learn.getContent and the database', () => {
  // A private database: these tests change the Learn content that other test files read.
  let database: Database;
  let app: TestApp;
  beforeAll(async () => {
    database = await openPglite(null);
    const log = createLogger({ level: 'silent', env: 'test' });
    await runMigrations(database.db, log);
    await seedIfNeeded(database.db, log);
    app = await createTestApp({
      database,
      env: { REDIS_URL: undefined, RESPONSE_CACHE_SECONDS: '0', LESSON_CACHE_TTL_SECONDS: '0' },
    });
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });

  it('reads the content from the database', async () => {
    await database.db.execute(
      sql`update learn_tips set text = 'Edited in the database' where language = 'de'`,
    );
    expect((await contentOf('German', 'English', app)).tips).toEqual(Array(8).fill('Edited in the database'));
  });

  it('answers the fallback for a seeded language whose content is missing', async () => {
    await database.db.execute(sql`delete from learn_letters where language = 'pt'`);
    expect(await contentOf('Portuguese', 'English', app)).toEqual(FALLBACK_LEARN_PAYLOAD);
  });

  it('leaves phonics out when a language has none', async () => {
    await database.db.execute(sql`delete from learn_phonics where language = 'it'`);
    const content = await contentOf('Italian', 'English', app);
    expect(content).not.toHaveProperty('phonics');
    expect(content.alphabet.length).toBeGreaterThan(0);
  });
});
