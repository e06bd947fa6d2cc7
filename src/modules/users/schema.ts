import { z } from 'zod';
import { PROFICIENCY_LEVELS } from '../../db/columns.js';
import { languageCode, text } from '../../lib/text-input.js';
import { isValidTimeZone } from './local-date.js';

const tagList = z.array(text().trim().min(1).max(100)).max(30);
const dailyGoalMinutes = z.number().int().min(5).max(120);
const name = text().trim().min(1).max(100);

const settingsInput = z.object({
  darkMode: z.boolean().optional(),
  soundEnabled: z.boolean().optional(),
  notificationsEnabled: z.boolean().optional(),
  hapticsEnabled: z.boolean().optional(),
  autoPlayAudio: z.boolean().optional(),
  reminderTime: z
    .string()
    .max(5)
    .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be a time such as 19:00')
    .optional(),
  securityNotifications: z.boolean().optional(),
  biometricEnabled: z.boolean().optional(),
});

/**
 * `user.update` / `user.updateSettings` (api-contract §3.4): every field optional. `email` is accepted by
 * the schema only so that the service can tell the client where email changes go; `timezone` is our
 * addition, so that quotas and streaks follow the user's midnight.
 */
export const updateUserInput = z.object({
  name: name.optional(),
  email: z.string().trim().max(254).optional(),
  nativeLanguage: languageCode.optional(),
  selectedLanguage: languageCode.optional(),
  proficiencyLevel: z.enum(PROFICIENCY_LEVELS).optional(),
  learningGoals: tagList.optional(),
  interests: tagList.optional(),
  preferredTopics: tagList.optional(),
  dailyGoalMinutes: dailyGoalMinutes.optional(),
  timezone: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Paris')
    .optional(),
  settings: settingsInput.optional(),
});
export type UpdateUserInput = z.infer<typeof updateUserInput>;

export const completeOnboardingInput = z.object({
  nativeLanguage: languageCode,
  selectedLanguage: languageCode,
  proficiencyLevel: z.enum(PROFICIENCY_LEVELS),
  learningGoals: tagList,
  interests: tagList,
  preferredTopics: tagList,
  dailyGoalMinutes,
  name: name.optional(),
});
export type CompleteOnboardingInput = z.infer<typeof completeOnboardingInput>;

/** PostgreSQL `integer` range: larger values could only be an attack on the column. */
const counter = z.number().int().min(0).max(2_147_483_647);

/** `user.updateStats`: absolute values as the offline client holds them, not deltas. */
export const updateStatsInput = z.object({
  totalChats: counter.optional(),
  streakDays: counter.optional(),
  wordsLearned: counter.optional(),
  xpPoints: counter.optional(),
  messagesUsedToday: counter.optional(),
});
export type UpdateStatsInput = z.infer<typeof updateStatsInput>;

export const setPremiumInput = z.object({
  userId: z.uuid(),
  premium: z.boolean(),
  reason: text().trim().min(1).max(500),
});
export type SetPremiumInput = z.infer<typeof setPremiumInput>;

export interface CanSendMessageDto {
  canSend: boolean;
  /** -1 means unlimited (premium). */
  messagesLeft: number;
}

/** A RevenueCat webhook delivery; only the fields we act on are checked, the rest pass through. */
export const revenuecatWebhookBody = z.object({
  api_version: text().max(20).optional(),
  event: z.looseObject({
    id: text().trim().min(1).max(200),
    type: text().trim().min(1).max(100),
    app_user_id: text().max(200).nullish(),
    entitlement_ids: z.array(text().max(200)).max(50).nullish(),
    entitlement_id: text().max(200).nullish(),
    product_id: text().max(200).nullish(),
    expiration_at_ms: z.number().int().nonnegative().nullish(),
    event_timestamp_ms: z.number().int().nonnegative().nullish(),
    environment: text().max(20).nullish(),
  }),
});
export type RevenuecatWebhookBody = z.infer<typeof revenuecatWebhookBody>;
export type RevenuecatEvent = RevenuecatWebhookBody['event'];
