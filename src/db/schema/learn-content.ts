import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { instant, oneOf } from '../columns.js';

/** The `LearnPayload` returned by `learn.getContent`. */
export interface LearnPayload {
  alphabet: {
    id: string;
    character: string;
    romanization?: string;
    pronunciation: string;
    type: 'vowel' | 'consonant' | 'special';
    difficulty: number;
    examples: { word: string; translation: string; pronunciation?: string }[];
  }[];
  numbers: { value: number; target: string; pronunciation?: string }[];
  commonWords: { target: string; native: string; pronunciation?: string; theme: string }[];
  phrases: { target: string; native: string; pronunciation?: string; context: string }[];
  tips: string[];
  phonics?: {
    id: string;
    sound: string;
    ipa?: string;
    graphemes: string[];
    examples: { word: string; translation: string }[];
    mouthHint?: string;
  }[];
}

export const LEARN_LETTER_TYPES = ['vowel', 'consonant', 'special'] as const;
export const LEARN_CONCEPT_KINDS = ['word', 'phrase'] as const;

/** An example word of a letter or a sound; its translation is English. */
export interface LearnExample {
  word: string;
  translation: string;
  pronunciation?: string;
}

/*
 * The bundled Learn content of the seeded target languages (src/db/seed/content/learn-*.ts), one table per
 * section of the payload. Words and phrases are meanings (`learn_concepts`) with one expression per
 * language, English included, so that any two of those languages pair up as target and native. Every row
 * is owned by the seeder, which replaces them as a whole for each content version.
 */

/** A target language's alphabet (kana for Japanese), in teaching order. */
export const learnLetters = pgTable(
  'learn_letters',
  {
    language: text('language').notNull(),
    position: integer('position').notNull(),
    /** The wire id, `<language>-<character>`. */
    id: text('id').notNull(),
    character: text('character').notNull(),
    romanization: text('romanization'),
    pronunciation: text('pronunciation').notNull(),
    type: text('type', { enum: LEARN_LETTER_TYPES }).notNull(),
    difficulty: integer('difficulty').notNull(),
    examples: jsonb('examples').$type<LearnExample[]>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.language, t.position] }),
    uniqueIndex('learn_letters_id_idx').on(t.id),
    check('learn_letters_type_check', oneOf(t.type, LEARN_LETTER_TYPES)),
    check('learn_letters_difficulty_check', sql`${t.difficulty} between 1 and 3`),
    check('learn_letters_position_check', sql`${t.position} >= 0`),
  ],
);

/** How a target language says 0–20 and the tens to 100. */
export const learnNumbers = pgTable(
  'learn_numbers',
  {
    language: text('language').notNull(),
    value: integer('value').notNull(),
    target: text('target').notNull(),
    pronunciation: text('pronunciation'),
  },
  (t) => [
    primaryKey({ columns: [t.language, t.value] }),
    check('learn_numbers_value_check', sql`${t.value} between 0 and 100`),
  ],
);

/** A meaning taught as a common word (tagged with its theme) or a phrase (tagged with its context). */
export const learnConcepts = pgTable(
  'learn_concepts',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: LEARN_CONCEPT_KINDS }).notNull(),
    tag: text('tag').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [
    uniqueIndex('learn_concepts_kind_position_idx').on(t.kind, t.position),
    check('learn_concepts_kind_check', oneOf(t.kind, LEARN_CONCEPT_KINDS)),
    check('learn_concepts_position_check', sql`${t.position} >= 0`),
  ],
);

/** How one language says a concept; `pronunciation` is a learner's respelling (romaji for Japanese). */
export const learnExpressions = pgTable(
  'learn_expressions',
  {
    conceptId: text('concept_id')
      .notNull()
      .references(() => learnConcepts.id, { onDelete: 'cascade' }),
    language: text('language').notNull(),
    text: text('text').notNull(),
    pronunciation: text('pronunciation'),
  },
  (t) => [primaryKey({ columns: [t.conceptId, t.language] })],
);

/** Eight study tips per target language, in English. */
export const learnTips = pgTable(
  'learn_tips',
  {
    language: text('language').notNull(),
    position: integer('position').notNull(),
    text: text('text').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.language, t.position] }),
    check('learn_tips_position_check', sql`${t.position} >= 0`),
  ],
);

/** The sounds of a target language worth practising, with their spellings. */
export const learnPhonics = pgTable(
  'learn_phonics',
  {
    language: text('language').notNull(),
    position: integer('position').notNull(),
    /** The wire id, `<language>-<slug>`. */
    id: text('id').notNull(),
    sound: text('sound').notNull(),
    ipa: text('ipa'),
    graphemes: text('graphemes').array().notNull(),
    examples: jsonb('examples').$type<Omit<LearnExample, 'pronunciation'>[]>().notNull(),
    mouthHint: text('mouth_hint'),
  },
  (t) => [
    primaryKey({ columns: [t.language, t.position] }),
    uniqueIndex('learn_phonics_id_idx').on(t.id),
    check('learn_phonics_position_check', sql`${t.position} >= 0`),
  ],
);

/**
 * Cache of LLM-generated Learn content per language pair (display names such as `Spanish`, not codes),
 * so that the slow and costly generation runs once per pair and content version. Not used for the seeded
 * languages: their content is authored, lives in the tables above, and a cache must stay free to purge.
 */
export const learnContentCache = pgTable(
  'learn_content_cache',
  {
    targetName: text('target_name').notNull(),
    nativeName: text('native_name').notNull(),
    payload: jsonb('payload').$type<LearnPayload>().notNull(),
    contentVersion: text('content_version').notNull(),
    generatedAt: instant('generated_at').notNull().defaultNow(),
    expiresAt: instant('expires_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.targetName, t.nativeName] }),
    index('learn_content_cache_expires_at_idx').on(t.expiresAt),
  ],
);

export type LearnLetter = typeof learnLetters.$inferSelect;
export type LearnPhonic = typeof learnPhonics.$inferSelect;
export type LearnContentCacheEntry = typeof learnContentCache.$inferSelect;
export type NewLearnContentCacheEntry = typeof learnContentCache.$inferInsert;
