import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/harness.js';
import { createLogger } from '../../lib/logger.js';
import { type Db, queryRows } from '../client.js';
import {
  allLessons,
  badges,
  CONTENT_VERSION,
  dialogueTopics,
  learnLanguages,
  learnPhrases,
  learnWords,
} from './content/index.js';
import { seedContent, seedIfNeeded } from './seed.js';

const log = createLogger({ level: 'silent', env: 'test' });

async function counts(db: Db) {
  const [row] = await queryRows<Record<string, number>>(
    db,
    sql`select
      (select count(*)::int from lessons where source = 'seed') as lessons,
      (select count(*)::int from lesson_sub_modules) as sub_modules,
      (select count(*)::int from content_items) as items,
      (select count(*)::int from dialogue_topics) as topics,
      (select count(*)::int from dialogue_scenes) as scenes,
      (select count(*)::int from badges) as badges,
      (select count(*)::int from achievements) as achievements,
      (select count(*)::int from learn_letters) as letters,
      (select count(*)::int from learn_expressions) as expressions,
      (select count(*)::int from content_releases) as releases`,
  );
  return row!;
}

describe('content seeding', () => {
  it('has loaded the bundled content for every language', async () => {
    const { db } = await testDatabase();
    const languages = await queryRows<{ language: string; difficulties: string[] }>(
      db,
      sql`select language, array_agg(distinct difficulty) as difficulties from lessons group by language`,
    );
    const byLanguage = Object.fromEntries(languages.map((row) => [row.language, row.difficulties]));
    for (const language of ['es', 'fr', 'de', 'it', 'pt', 'ja']) {
      expect(byLanguage[language]).toEqual(expect.arrayContaining(['beginner', 'intermediate', 'advanced']));
    }
  });

  it('is idempotent: seeding again changes no counts and records the version once', async () => {
    const { db } = await testDatabase();
    const before = await counts(db);
    expect(before.lessons).toBe(allLessons.length);
    expect(before.topics).toBe(dialogueTopics.length);
    expect(before.badges).toBe(badges.length);
    expect(before.letters).toBe(learnLanguages.reduce((sum, language) => sum + language.alphabet.length, 0));
    // Every word and phrase in English and each seeded language.
    expect(before.expressions).toBe((learnWords.length + learnPhrases.length) * (learnLanguages.length + 1));

    const forced = await seedContent(db, log, { force: true });
    expect(forced).toMatchObject({ seeded: true, version: CONTENT_VERSION });
    expect(await counts(db)).toEqual(before);

    expect(await seedIfNeeded(db, log)).toMatchObject({ seeded: false });
    expect(await counts(db)).toEqual(before);
  });
});
