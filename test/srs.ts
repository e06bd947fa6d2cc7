import { asc } from 'drizzle-orm';
import { contentItems, type PreferenceSrs, preferenceProfiles } from '../src/db/schema/index.js';
import type { TestApp } from './harness.js';

/**
 * Stores a preference profile whose `srs` section is `srs` (the rest the contract's defaults), as
 * `preferences.upsert` would, so the spaced-repetition module reads the learner's caps from it.
 */
export async function storeSrsPreferences(t: TestApp, userId: string, srs: PreferenceSrs): Promise<void> {
  await t.deps.db.insert(preferenceProfiles).values({
    userId,
    srs,
    lessonPlan: {
      microLessonMins: 5,
      composition: { speaking: 20, grammar: 20, vocab: 20, listening: 20, reading: 10, writing: 10 },
    },
    speech: { ttsVoice: 'en-US', rate: 1, pitch: 1, asrStrictness: 'balanced' },
    notifications: { enabled: true, hourLocal: 19 },
    accessibility: { theme: 'system', fontScale: 1, highContrast: false, reducedMotion: false },
    etag: 'a'.repeat(64),
  });
}

/**
 * Sets the clock of the app under test (the one its services read) to `at`, and returns a function that
 * moves it on. Only this test app's clock moves: access tokens are checked against real time.
 */
export function setClock(t: TestApp, at: Date | string): { now: () => Date; advance: (ms: number) => Date } {
  let current = new Date(at);
  t.deps.clock = () => new Date(current);
  return {
    now: () => new Date(current),
    advance(ms: number) {
      current = new Date(current.getTime() + ms);
      return new Date(current);
    },
  };
}

/** Ids of `count` seeded content items, in a stable order. */
export async function seededContentItemIds(t: TestApp, count: number): Promise<string[]> {
  const rows = await t.deps.db
    .select({ id: contentItems.id })
    .from(contentItems)
    .orderBy(asc(contentItems.id))
    .limit(count);
  if (rows.length < count) throw new Error(`only ${rows.length} seeded content items`);
  return rows.map((row) => row.id);
}
