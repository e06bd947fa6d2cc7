import { sql } from 'drizzle-orm';
import { boolean, check, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { oneOf, PROFICIENCY_LEVELS, updatedAt } from '../columns.js';
import { listRule, ruleChecks, textRule } from '../rules.js';
import { userIdRef } from './users.js';

export const PREFERENCE_SCRIPTS = ['gurmukhi', 'shahmukhi', 'latin'] as const;

/** What clients may write into the plain columns; the sections' bounds are the Zod schema's alone. */
export const PREFERENCE_RULES = {
  personas: listRule(16, 64),
  dialect: textRule(0, 64),
} as const;

export interface PreferenceSrs {
  newPerDay: number;
  reviewCap: number;
  easeAdjPct: number;
}

export interface PreferenceLessonPlan {
  microLessonMins: number;
  composition: {
    speaking: number;
    grammar: number;
    vocab: number;
    listening: number;
    reading: number;
    writing: number;
  };
}

export interface PreferenceSpeech {
  ttsVoice: string;
  rate: number;
  pitch: number;
  asrStrictness: 'lenient' | 'balanced' | 'strict';
}

export interface PreferenceNotifications {
  enabled: boolean;
  hourLocal: number;
}

export interface PreferenceAccessibility {
  theme: 'system' | 'light' | 'dark';
  fontScale: number;
  highContrast: boolean;
  reducedMotion: boolean;
}

/**
 * The versioned `PreferenceProfile`, split into one jsonb column per section so each can be read or patched
 * alone. The bounds inside the sections are enforced by the Zod schema, not here.
 */
export const preferenceProfiles = pgTable(
  'preference_profiles',
  {
    userId: userIdRef().primaryKey(),
    version: integer('version').notNull().default(1),
    personas: text('personas').array().notNull().default([]),
    srs: jsonb('srs').$type<PreferenceSrs>().notNull(),
    lessonPlan: jsonb('lesson_plan').$type<PreferenceLessonPlan>().notNull(),
    speech: jsonb('speech').$type<PreferenceSpeech>().notNull(),
    notifications: jsonb('notifications').$type<PreferenceNotifications>().notNull(),
    accessibility: jsonb('accessibility').$type<PreferenceAccessibility>().notNull(),
    script: text('script', { enum: PREFERENCE_SCRIPTS }),
    dialect: text('dialect'),
    difficulty: text('difficulty', { enum: PROFICIENCY_LEVELS }).notNull().default('beginner'),
    // Opt-in: difficulty only adapts automatically when the user has asked for it.
    autoAdapt: boolean('auto_adapt').notNull().default(false),
    /** SHA-256 hex of the canonical profile JSON, compared with `ifMatch` for optimistic concurrency. */
    etag: text('etag').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('preference_profiles_version_check', sql`${t.version} = 1`),
    check('preference_profiles_script_check', oneOf(t.script, PREFERENCE_SCRIPTS)),
    check('preference_profiles_difficulty_check', oneOf(t.difficulty, PROFICIENCY_LEVELS)),
    check('preference_profiles_etag_check', sql`${t.etag} ~ '^[0-9a-f]{64}$'`),
    ...ruleChecks<keyof typeof PREFERENCE_RULES>('preference_profiles', t, PREFERENCE_RULES),
  ],
);

// `Row` suffix: `PreferenceProfile` is the contract's wire shape (no user id, no etag).
export type PreferenceProfileRow = typeof preferenceProfiles.$inferSelect;
export type NewPreferenceProfileRow = typeof preferenceProfiles.$inferInsert;
