import { index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { LANGUAGE_CODE_MESSAGE, LANGUAGE_CODE_PATTERN } from '../../lib/text-input.js';
import { createdAt, updatedAt, uuidPk } from '../columns.js';
import { patternRule, ruleChecks, textRule } from '../rules.js';
import { userIdRef } from './users.js';

/** What clients may write into vocabulary's columns: the checks below and the Zod inputs are built from these. */
export const VOCABULARY_RULES = {
  word: textRule(1, 100),
  translation: textRule(1, 200),
  notes: textRule(0, 500),
  // The same language codes as the users' own (users.native_language, users.selected_language).
  language: patternRule(LANGUAGE_CODE_PATTERN, 16, LANGUAGE_CODE_MESSAGE),
} as const;

/**
 * A learner's own word list (`VocabularyAddSchema`). Each entry has one spaced-repetition card
 * (`srs_cards`, kind `vocabulary`), created and deleted with it in the same transaction.
 */
export const vocabulary = pgTable(
  'vocabulary',
  {
    id: uuidPk(),
    userId: userIdRef(),
    word: text('word').notNull(),
    translation: text('translation').notNull(),
    /** BCP 47 code, e.g. `es` or `pa-IN`. */
    language: text('language').notNull(),
    notes: text('notes'),
    audioUrl: text('audio_url'),
    // Stamped by the service in milliseconds, as the list's page cursor carries it.
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('vocabulary_user_id_language_word_idx').on(t.userId, t.language, t.word),
    // vocabulary.list: a user's entries, newest first.
    index('vocabulary_user_id_created_at_idx').on(t.userId, t.createdAt),
    ...ruleChecks<keyof typeof VOCABULARY_RULES>('vocabulary', t, VOCABULARY_RULES),
  ],
);

export type VocabularyEntry = typeof vocabulary.$inferSelect;
export type NewVocabularyEntry = typeof vocabulary.$inferInsert;
