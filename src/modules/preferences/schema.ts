import { z } from 'zod';
import { boundedList, boundedText, oneOfValues } from '../../db/rules.js';
import { PREFERENCE_RULES, PREFERENCE_SCRIPTS, preferenceProfiles } from '../../db/schema/index.js';
import { text } from '../../lib/text-input.js';

/** A skill's share of a lesson plan, in percent (the app's onboarding focus adds up to 100). */
const share = z.number().min(0).max(100);

/**
 * `PreferenceProfile` version 1 (api-contract §3.9), with the contract's bounds and defaults. Counts of
 * cards, minutes and hours are whole numbers. The sections are stored as jsonb, which cannot hold NUL
 * characters, so their strings are `text()` too.
 */
export const preferenceProfile = z.object({
  version: z.literal(1),
  personas: boundedList(PREFERENCE_RULES.personas, preferenceProfiles.personas),
  srs: z.object({
    newPerDay: z.number().int().min(5).max(50),
    reviewCap: z.number().int().min(20).max(300),
    easeAdjPct: z.number().min(-20).max(20),
  }),
  lessonPlan: z.object({
    microLessonMins: z.number().int().min(3).max(15),
    composition: z.object({
      speaking: share,
      grammar: share,
      vocab: share,
      listening: share,
      reading: share,
      writing: share,
    }),
  }),
  speech: z.object({
    ttsVoice: text().trim().max(64),
    rate: z.number().min(0.7).max(1.4).default(1),
    pitch: z.number().min(0.8).max(1.2).default(1),
    asrStrictness: z.enum(['lenient', 'balanced', 'strict']).default('balanced'),
  }),
  notifications: z.object({
    enabled: z.boolean().default(true),
    hourLocal: z.number().int().min(0).max(23).default(19),
  }),
  accessibility: z.object({
    theme: z.enum(['system', 'light', 'dark']).default('system'),
    fontScale: z.number().min(1).max(1.6).default(1),
    highContrast: z.boolean().default(false),
    reducedMotion: z.boolean().default(false),
  }),
  script: oneOfValues(PREFERENCE_SCRIPTS, preferenceProfiles.script).optional(),
  dialect: boundedText(PREFERENCE_RULES.dialect, preferenceProfiles.dialect).optional(),
});
export type PreferenceProfile = z.output<typeof preferenceProfile>;

/**
 * `preferences.upsert`. `ifMatch` is the ETag the client last read: when given, the write happens only if
 * the stored profile still has it. Null or absent writes unconditionally.
 */
export const upsertPreferencesInput = z.object({
  profile: preferenceProfile,
  ifMatch: z.string().max(128).nullish(),
});
export type UpsertPreferencesInput = z.infer<typeof upsertPreferencesInput>;

/** A stored profile as the wire carries it (`updatedAt` is an ISO string, as the contract has it). */
export interface PreferencesRecord {
  etag: string;
  profile: PreferenceProfile;
  updatedAt: string;
}

/** `preferences.get`: the stored record, or nulls when the user has none yet. */
export type PreferencesDto = PreferencesRecord | { profile: null; etag: null };
