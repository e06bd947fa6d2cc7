import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/factories.js';
import { createTestApp, type TestApp, usingPostgres } from '../../../test/harness.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import * as repo from './repo.js';
import type { PreferenceProfile, PreferencesRecord } from './schema.js';
import { DEFAULT_SRS_PREFERENCES, srsPreferencesOf } from './service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** A profile as the app's onboarding mapper sends it: every section, no optional field. */
const mapped = (overrides: { newPerDay?: number; ttsVoice?: string } = {}) => ({
  version: 1,
  personas: ['BEGINNER_FAST_TRACK'],
  srs: { newPerDay: overrides.newPerDay ?? 18, reviewCap: 90, easeAdjPct: 0 },
  lessonPlan: {
    microLessonMins: 5,
    composition: { speaking: 30, grammar: 15, vocab: 20, listening: 15, reading: 10, writing: 10 },
  },
  speech: { ttsVoice: overrides.ttsVoice ?? 'en-US', rate: 0.95, pitch: 1, asrStrictness: 'lenient' },
  notifications: { enabled: true, hourLocal: 19 },
  accessibility: { theme: 'system', fontScale: 1.2, highContrast: false, reducedMotion: false },
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function upsert(user: TestUser, profile: unknown, ifMatch?: string | null) {
  const answer = await trpcCall(
    t,
    'preferences.upsert',
    ifMatch === undefined ? { profile } : { profile, ifMatch },
    {
      headers: { authorization: user.authorization },
    },
  );
  return { ...answer, record: answer.results[0] as PreferencesRecord | undefined };
}

const get = (user: TestUser) => user.client.preferences.get.query();

describe('preferences.get', () => {
  it('answers nulls for a user who has stored no profile', async () => {
    const user = await createUser(t);
    expect(await get(user)).toEqual({ profile: null, etag: null });
  });
});

describe('preferences.upsert', () => {
  it('stores the profile with the defaults filled in and answers it with its ETag', async () => {
    const user = await createUser(t);
    const sent = mapped();
    const bare = {
      ...sent,
      speech: { ttsVoice: 'en-GB' },
      notifications: {},
      accessibility: {},
      script: 'latin',
      dialect: 'english_uk',
    };
    const { record, codes } = await upsert(user, bare);
    expect(codes).toEqual(['OK']);
    const profile: PreferenceProfile = {
      ...sent,
      speech: { ttsVoice: 'en-GB', rate: 1, pitch: 1, asrStrictness: 'balanced' },
      notifications: { enabled: true, hourLocal: 19 },
      accessibility: { theme: 'system', fontScale: 1, highContrast: false, reducedMotion: false },
      script: 'latin',
      dialect: 'english_uk',
      version: 1,
    };
    expect(record).toEqual({ etag: sha256(canonicalJson(profile)), profile, updatedAt: expect.any(String) });
    expect(new Date(record!.updatedAt).toISOString()).toBe(record!.updatedAt);
    expect(await get(user)).toEqual(record);
  });

  it('gives equal profiles the same ETag, whatever the order of their keys', async () => {
    const [ana, bo] = await Promise.all([createUser(t), createUser(t)]);
    const profile = mapped();
    const reordered = Object.fromEntries(Object.entries(profile).reverse());
    const first = await upsert(ana, profile);
    const second = await upsert(bo, reordered);
    expect(second.record!.etag).toBe(first.record!.etag);
    expect((await upsert(bo, mapped({ newPerDay: 19 }))).record!.etag).not.toBe(first.record!.etag);
  });

  it('writes with a matching ifMatch, round after round', async () => {
    const user = await createUser(t);
    let etag = (await upsert(user, mapped({ newPerDay: 10 }))).record!.etag;
    for (const newPerDay of [11, 12, 13]) {
      const { record, codes } = await upsert(user, mapped({ newPerDay }), etag);
      expect(codes).toEqual(['OK']);
      expect(record!.etag).not.toBe(etag);
      expect(record!.profile.srs.newPerDay).toBe(newPerDay);
      etag = record!.etag;
    }
    expect((await get(user)).etag).toBe(etag);
  });

  it('answers CONFLICT to an ifMatch that does not match, and writes nothing', async () => {
    const user = await createUser(t);
    const stale = (await upsert(user, mapped({ newPerDay: 10 }))).record!.etag;
    const current = (await upsert(user, mapped({ newPerDay: 20 }), stale)).record!;
    const before = await get(user);

    for (const ifMatch of [stale, 'f'.repeat(64), 'not-an-etag', '']) {
      const answer = await upsert(user, mapped({ newPerDay: 30 }), ifMatch);
      expect(answer.status, ifMatch).toBe(409);
      expect(answer.codes).toEqual(['CONFLICT']);
      expect(answer.items[0]?.error?.json.data.issues).toEqual([
        expect.objectContaining({ path: 'ifMatch', code: 'ETAG_MISMATCH' }),
      ]);
    }
    expect(await get(user)).toEqual(before);
    expect(before).toMatchObject({ etag: current.etag, profile: { srs: { newPerDay: 20 } } });
  });

  it('answers CONFLICT to an ifMatch when nothing is stored yet, and stores nothing', async () => {
    const user = await createUser(t);
    const answer = await upsert(user, mapped(), sha256('anything'));
    expect(answer.codes).toEqual(['CONFLICT']);
    expect(await get(user)).toEqual({ profile: null, etag: null });
  });

  it('writes unconditionally when ifMatch is null or absent, dropping fields the new profile lacks', async () => {
    const user = await createUser(t);
    await upsert(user, { ...mapped(), script: 'gurmukhi', dialect: 'majhi' });
    const replaced = await upsert(user, mapped({ newPerDay: 40 }), null);
    expect(replaced.codes).toEqual(['OK']);
    expect(replaced.record!.profile).not.toHaveProperty('script');
    expect(replaced.record!.profile).not.toHaveProperty('dialect');
    const again = await upsert(user, mapped({ newPerDay: 41 }));
    expect(again.codes).toEqual(['OK']);
    expect(await get(user)).toEqual(again.record);
  });

  it.each([
    ['version 2', { version: 2 }],
    ['newPerDay below 5', { srs: { newPerDay: 4, reviewCap: 90, easeAdjPct: 0 } }],
    ['newPerDay above 50', { srs: { newPerDay: 51, reviewCap: 90, easeAdjPct: 0 } }],
    ['newPerDay not whole', { srs: { newPerDay: 10.5, reviewCap: 90, easeAdjPct: 0 } }],
    ['reviewCap below 20', { srs: { newPerDay: 10, reviewCap: 19, easeAdjPct: 0 } }],
    ['reviewCap above 300', { srs: { newPerDay: 10, reviewCap: 301, easeAdjPct: 0 } }],
    ['easeAdjPct past ±20', { srs: { newPerDay: 10, reviewCap: 90, easeAdjPct: -21 } }],
    ['a missing srs section', { srs: undefined }],
    ['microLessonMins above 15', { lessonPlan: { ...mapped().lessonPlan, microLessonMins: 16 } }],
    ['a missing composition share', { lessonPlan: { microLessonMins: 5, composition: { speaking: 50 } } }],
    ['rate below 0.7', { speech: { ttsVoice: 'en-US', rate: 0.69 } }],
    ['pitch above 1.2', { speech: { ttsVoice: 'en-US', pitch: 1.21 } }],
    ['an unknown ASR strictness', { speech: { ttsVoice: 'en-US', asrStrictness: 'picky' } }],
    ['a missing ttsVoice', { speech: {} }],
    ['hourLocal 24', { notifications: { hourLocal: 24 } }],
    ['fontScale below 1', { accessibility: { fontScale: 0.9 } }],
    ['an unknown theme', { accessibility: { theme: 'sepia' } }],
    ['an unknown script', { script: 'cyrillic' }],
    ['17 personas', { personas: Array.from({ length: 17 }, (_, i) => `PERSONA_${i}`) }],
    ['a NUL character', { speech: { ttsVoice: 'en-US\u0000' } }],
  ])('refuses %s with 400 and writes nothing', async (_, change) => {
    const user = await createUser(t);
    const answer = await upsert(user, { ...mapped(), ...change });
    expect(answer.status).toBe(400);
    expect(answer.codes).toEqual(['VALIDATION_ERROR']);
    expect(await get(user)).toEqual({ profile: null, etag: null });
  });

  it('never lets a user see or change another user’s profile', async () => {
    const [ana, bo] = await Promise.all([createUser(t), createUser(t)]);
    const anas = (await upsert(ana, mapped({ ttsVoice: 'ana-voice' }))).record!;
    expect(await get(bo)).toEqual({ profile: null, etag: null });
    // Ana's ETag says nothing about Bo's (absent) profile.
    expect((await upsert(bo, mapped(), anas.etag)).codes).toEqual(['CONFLICT']);
    await upsert(bo, mapped({ ttsVoice: 'bo-voice' }));
    expect(await get(ana)).toEqual(anas);
    expect((await get(bo)).profile?.speech.ttsVoice).toBe('bo-voice');
  });
});

describe('concurrent upserts with the same ifMatch', () => {
  it('let exactly one win; the others get CONFLICT and the winner’s profile is stored', async () => {
    const user = await createUser(t);
    const etag = (await upsert(user, mapped({ newPerDay: 5 }))).record!.etag;
    const contenders = [10, 11, 12, 13, 14, 15, 16, 17];
    const answers = await Promise.all(
      contenders.map((newPerDay) => upsert(user, mapped({ newPerDay }), etag)),
    );
    const winners = answers.filter((answer) => answer.codes[0] === 'OK');
    expect(winners).toHaveLength(1);
    expect(answers.filter((answer) => answer.codes[0] === 'CONFLICT')).toHaveLength(contenders.length - 1);
    expect(await get(user)).toEqual(winners[0]!.record);
  });

  it.runIf(usingPostgres())(
    'waits for a competing write in flight, then finds the ETag changed (PostgreSQL row lock)',
    async () => {
      const user = await createUser(t);
      const start = (await upsert(user, mapped({ newPerDay: 5 }))).record!;
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let updated!: () => void;
      const hasUpdated = new Promise<void>((resolve) => {
        updated = resolve;
      });
      // A competitor that has compared and set, but not committed yet.
      const competitor = t.deps.db.transaction(async (tx) => {
        const values = { ...start.profile, etag: 'a'.repeat(64), script: null, dialect: null };
        const row = await repo.replaceProfileIf(tx, user.user.id, start.etag, values);
        expect(row).not.toBeNull();
        updated();
        await released;
      });
      await hasUpdated;
      let settled = false;
      const request = upsert(user, mapped({ newPerDay: 50 }), start.etag).finally(() => {
        settled = true;
      });
      // The request blocks on the row the competitor holds…
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      // …and once the competitor commits, re-checks the condition against its write.
      release();
      await competitor;
      expect((await request).codes).toEqual(['CONFLICT']);
      expect((await get(user)).etag).toBe('a'.repeat(64));
    },
  );
});

describe('srsPreferencesOf', () => {
  it('gives the defaults without a profile, and the stored settings with one', async () => {
    const user = await createUser(t);
    expect(await srsPreferencesOf(t.deps, user.user.id)).toEqual({
      newPerDay: 15,
      reviewCap: 80,
      easeAdjPct: 0,
    });
    expect(DEFAULT_SRS_PREFERENCES).toEqual({ newPerDay: 15, reviewCap: 80, easeAdjPct: 0 });
    await upsert(user, { ...mapped(), srs: { newPerDay: 25, reviewCap: 120, easeAdjPct: 5 } });
    expect(await srsPreferencesOf(t.deps, user.user.id)).toEqual({
      newPerDay: 25,
      reviewCap: 120,
      easeAdjPct: 5,
    });
  });
});
