import { index, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { instant } from '../columns.js';

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

/**
 * Cache of LLM-generated Learn content per language pair (display names such as `Spanish`, not codes),
 * so that the slow and costly generation runs once per pair and content version.
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

export type LearnContentCacheEntry = typeof learnContentCache.$inferSelect;
export type NewLearnContentCacheEntry = typeof learnContentCache.$inferInsert;
