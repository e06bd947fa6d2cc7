import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, smallint, text } from 'drizzle-orm/pg-core';
import { createdAt, instant, uuidPk } from '../columns.js';
import { userIdRef } from './users.js';

/** Translation history (`TranslationHistorySchema`) with the learner's feedback on each translation. */
export const translations = pgTable(
  'translations',
  {
    id: uuidPk(),
    userId: userIdRef(),
    originalText: text('original_text').notNull(),
    translatedText: text('translated_text').notNull(),
    sourceLanguage: text('source_language').notNull(),
    targetLanguage: text('target_language').notNull(),
    rating: smallint('rating'),
    isAccurate: boolean('is_accurate'),
    suggestedImprovement: text('suggested_improvement'),
    isFavorite: boolean('is_favorite').notNull().default(false),
    tags: text('tags').array().notNull().default([]),
    createdAt: createdAt(),
    lastAccessedAt: instant('last_accessed_at').notNull().defaultNow(),
  },
  (t) => [
    // Also serves the free tier's daily translation quota (count since the start of the day).
    index('translations_user_id_created_at_idx').on(t.userId, t.createdAt),
    index('translations_favorite_user_id_created_at_idx')
      .on(t.userId, t.createdAt)
      .where(sql`${t.isFavorite}`),
    check('translations_original_text_check', sql`char_length(${t.originalText}) between 1 and 1000`),
    check('translations_rating_check', sql`${t.rating} between 1 and 5`),
  ],
);

export type Translation = typeof translations.$inferSelect;
export type NewTranslation = typeof translations.$inferInsert;
