import { sql } from 'drizzle-orm';
import { check, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt, uuidPk } from '../columns.js';
import { userIdRef } from './users.js';

/** A learner's own word list (`VocabularyAddSchema`). */
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
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('vocabulary_user_id_language_word_idx').on(t.userId, t.language, t.word),
    check('vocabulary_word_check', sql`char_length(${t.word}) between 1 and 100`),
    check('vocabulary_translation_check', sql`char_length(${t.translation}) between 1 and 200`),
    check('vocabulary_notes_check', sql`char_length(${t.notes}) <= 500`),
    check('vocabulary_language_check', sql`${t.language} ~ '^[a-z]{2,3}(-[A-Z]{2})?$'`),
  ],
);

export type VocabularyEntry = typeof vocabulary.$inferSelect;
export type NewVocabularyEntry = typeof vocabulary.$inferInsert;
