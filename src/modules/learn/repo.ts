import { and, asc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../../db/client.js';
import {
  type LearnPayload,
  learnConcepts,
  learnExpressions,
  learnLetters,
  learnNumbers,
  learnPhonics,
  learnTips,
} from '../../db/schema/index.js';

const targetTerm = alias(learnExpressions, 'target_term');
const nativeTerm = alias(learnExpressions, 'native_term');
const englishTerm = alias(learnExpressions, 'english_term');

/**
 * The Learn content of `target` for speakers of `native`, or null when the database has none for
 * `target`. Words and phrases are translated into `native` where it has them, else into English; the
 * tips and the translations of example words are English. Optional fields that are empty are left out,
 * so the answer has exactly the keys of `LearnPayload`.
 */
export async function findLearnContent(
  db: Db | Tx,
  target: string,
  native: string,
): Promise<LearnPayload | null> {
  const letters = await db
    .select()
    .from(learnLetters)
    .where(eq(learnLetters.language, target))
    .orderBy(asc(learnLetters.position));
  if (letters.length === 0) return null;

  const [numbers, lexicon, tips, phonics] = await Promise.all([
    db.select().from(learnNumbers).where(eq(learnNumbers.language, target)).orderBy(asc(learnNumbers.value)),
    db
      .select({
        kind: learnConcepts.kind,
        tag: learnConcepts.tag,
        target: targetTerm.text,
        pronunciation: targetTerm.pronunciation,
        native: sql<string>`coalesce(${nativeTerm.text}, ${englishTerm.text}, ${targetTerm.text})`,
      })
      .from(learnConcepts)
      .innerJoin(targetTerm, and(eq(targetTerm.conceptId, learnConcepts.id), eq(targetTerm.language, target)))
      .leftJoin(nativeTerm, and(eq(nativeTerm.conceptId, learnConcepts.id), eq(nativeTerm.language, native)))
      .leftJoin(englishTerm, and(eq(englishTerm.conceptId, learnConcepts.id), eq(englishTerm.language, 'en')))
      .orderBy(asc(learnConcepts.kind), asc(learnConcepts.position)),
    db.select().from(learnTips).where(eq(learnTips.language, target)).orderBy(asc(learnTips.position)),
    db
      .select()
      .from(learnPhonics)
      .where(eq(learnPhonics.language, target))
      .orderBy(asc(learnPhonics.position)),
  ]);

  const entry = (row: (typeof lexicon)[number]) => ({
    target: row.target,
    native: row.native,
    ...(row.pronunciation !== null && { pronunciation: row.pronunciation }),
  });

  return {
    alphabet: letters.map((letter) => ({
      id: letter.id,
      character: letter.character,
      ...(letter.romanization !== null && { romanization: letter.romanization }),
      pronunciation: letter.pronunciation,
      type: letter.type,
      difficulty: letter.difficulty,
      examples: letter.examples,
    })),
    numbers: numbers.map((number) => ({
      value: number.value,
      target: number.target,
      ...(number.pronunciation !== null && { pronunciation: number.pronunciation }),
    })),
    commonWords: lexicon
      .filter((row) => row.kind === 'word')
      .map((row) => ({ ...entry(row), theme: row.tag })),
    phrases: lexicon
      .filter((row) => row.kind === 'phrase')
      .map((row) => ({ ...entry(row), context: row.tag })),
    tips: tips.map((tip) => tip.text),
    ...(phonics.length > 0 && {
      phonics: phonics.map((phonic) => ({
        id: phonic.id,
        sound: phonic.sound,
        ...(phonic.ipa !== null && { ipa: phonic.ipa }),
        graphemes: phonic.graphemes,
        examples: phonic.examples,
        ...(phonic.mouthHint !== null && { mouthHint: phonic.mouthHint }),
      })),
    }),
  };
}
