import { z } from 'zod';
import { PROFICIENCY_LEVELS } from '../../db/columns.js';
import { boundedInt, boundedList, boundedText, oneOfValues, patternText, writes } from '../../db/rules.js';
import {
  ENTITLEMENT_RULES,
  entitlements,
  REVENUECAT_EVENT_RULES,
  revenuecatEvents,
  SECURITY_LEVELS,
  USER_ROLES,
  USER_RULES,
  USER_SETTINGS_RULES,
  userSettings,
  users,
} from '../../db/schema/index.js';
import { isStorableText, text, UNSTORABLE_TEXT } from '../../lib/text-input.js';
import { isValidTimeZone } from './local-date.js';

/** An email address, trimmed and lower-cased before the format check as the app does (api-contract §3). */
export const email = writes(
  z.string().trim().toLowerCase().max(USER_RULES.email.max).pipe(z.email()),
  users.email,
  users.pendingEmail,
);

/**
 * One rule per profile field, whichever procedure writes it (`user.update`, `user.completeOnboarding`,
 * `auth.updateProfile`, `auth.signup`), each built from the column's rule in db/schema/users.ts.
 */
export const profileFields = {
  name: boundedText(USER_RULES.name, users.name),
  displayName: boundedText(USER_RULES.displayName, users.displayName),
  bio: boundedText(USER_RULES.bio, users.bio),
  avatarUrl: writes(
    z.url().max(USER_RULES.avatarUrl.max).refine(isStorableText, UNSTORABLE_TEXT),
    users.avatarUrl,
  ),
  email,
  nativeLanguage: patternText(USER_RULES.nativeLanguage, users.nativeLanguage),
  selectedLanguage: patternText(USER_RULES.selectedLanguage, users.selectedLanguage),
  proficiencyLevel: oneOfValues(PROFICIENCY_LEVELS, users.proficiencyLevel),
  learningGoals: boundedList(USER_RULES.learningGoals, users.learningGoals),
  interests: boundedList(USER_RULES.interests, users.interests),
  preferredTopics: boundedList(USER_RULES.preferredTopics, users.preferredTopics),
  dailyGoalMinutes: boundedInt(USER_RULES.dailyGoalMinutes, users.dailyGoalMinutes),
  timezone: boundedText(USER_RULES.timezone, users.timezone).refine(
    isValidTimeZone,
    'must be an IANA time zone such as Europe/Paris',
  ),
};

const settingsInput = z.object({
  darkMode: z.boolean().optional(),
  soundEnabled: z.boolean().optional(),
  notificationsEnabled: z.boolean().optional(),
  hapticsEnabled: z.boolean().optional(),
  autoPlayAudio: z.boolean().optional(),
  reminderTime: patternText(USER_SETTINGS_RULES.reminderTime, userSettings.reminderTime).optional(),
  securityNotifications: z.boolean().optional(),
  biometricEnabled: z.boolean().optional(),
});

/**
 * A partial change of the caller's profile, as `users.updateProfile` takes it from every procedure that
 * edits a profile. A new `email` is not switched to at once: it waits, pending, for its code.
 */
export const profileChanges = z.object({
  name: profileFields.name.optional(),
  displayName: profileFields.displayName.optional(),
  bio: profileFields.bio.optional(),
  avatarUrl: profileFields.avatarUrl.optional(),
  email: profileFields.email.optional(),
  nativeLanguage: profileFields.nativeLanguage.optional(),
  selectedLanguage: profileFields.selectedLanguage.optional(),
  proficiencyLevel: profileFields.proficiencyLevel.optional(),
  learningGoals: profileFields.learningGoals.optional(),
  interests: profileFields.interests.optional(),
  preferredTopics: profileFields.preferredTopics.optional(),
  dailyGoalMinutes: profileFields.dailyGoalMinutes.optional(),
  timezone: profileFields.timezone.optional(),
  settings: settingsInput.optional(),
});
export type ProfileChanges = z.infer<typeof profileChanges>;

/**
 * `user.update` / `user.updateSettings` (api-contract §3.4): every field optional; absent fields keep their
 * value. `timezone` is our addition, so that quotas and streaks follow the user's midnight.
 */
export const updateUserInput = profileChanges.pick({
  name: true,
  email: true,
  nativeLanguage: true,
  selectedLanguage: true,
  proficiencyLevel: true,
  learningGoals: true,
  interests: true,
  preferredTopics: true,
  dailyGoalMinutes: true,
  timezone: true,
  settings: true,
});
export type UpdateUserInput = z.infer<typeof updateUserInput>;

export const completeOnboardingInput = z.object({
  nativeLanguage: profileFields.nativeLanguage,
  selectedLanguage: profileFields.selectedLanguage,
  proficiencyLevel: profileFields.proficiencyLevel,
  learningGoals: profileFields.learningGoals,
  interests: profileFields.interests,
  preferredTopics: profileFields.preferredTopics,
  dailyGoalMinutes: profileFields.dailyGoalMinutes,
  name: profileFields.name.optional(),
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
    id: boundedText(REVENUECAT_EVENT_RULES.eventId, revenuecatEvents.eventId),
    type: boundedText(REVENUECAT_EVENT_RULES.type, revenuecatEvents.type),
    app_user_id: text().max(200).nullish(),
    entitlement_ids: z.array(text().max(200)).max(50).nullish(),
    entitlement_id: text().max(200).nullish(),
    product_id: boundedText(ENTITLEMENT_RULES.productId, entitlements.productId).nullish(),
    expiration_at_ms: z.number().int().nonnegative().nullish(),
    event_timestamp_ms: z.number().int().nonnegative().nullish(),
    environment: text().max(20).nullish(),
  }),
});
export type RevenuecatWebhookBody = z.infer<typeof revenuecatWebhookBody>;
export type RevenuecatEvent = RevenuecatWebhookBody['event'];

/**
 * The user as the app sees it (api-contract §3.3 UserRecord and §3.4 profile), assembled from users,
 * user_settings and user_stats. Never includes the password hash, registration IP or device fingerprint.
 * `user.get`'s `.output()`, so also the REST document's `/me`.
 */
export const userDto = z.object({
  id: z.string(),
  email: z.string(),
  /** An address the user asked to move to, waiting for its code; `email` stays in use until then. */
  pendingEmail: z.string().nullable(),
  name: z.string(),
  displayName: z.string().nullable(),
  bio: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  role: z.enum(USER_ROLES),
  createdAt: z.date(),
  isPremium: z.boolean(),
  emailVerified: z.boolean(),
  twoFactorEnabled: z.boolean(),
  securityLevel: z.enum(SECURITY_LEVELS),
  timezone: z.string(),
  nativeLanguage: z.string(),
  selectedLanguage: z.string(),
  targetLanguage: z.string(),
  proficiencyLevel: z.enum(PROFICIENCY_LEVELS),
  learningGoals: z.array(z.string()),
  interests: z.array(z.string()),
  preferredTopics: z.array(z.string()),
  dailyGoal: z.number(),
  dailyGoalMinutes: z.number(),
  onboardingCompleted: z.boolean(),
  streak: z.number(),
  totalXP: z.number(),
  stats: z.object({
    totalChats: z.number(),
    streakDays: z.number(),
    wordsLearned: z.number(),
    xpPoints: z.number(),
    lessonsCompleted: z.number(),
    lastActiveDate: z.string(),
    messagesUsedToday: z.number(),
    lastMessageDate: z.string(),
    badges: z.array(z.string()),
  }),
  settings: z.object({
    darkMode: z.boolean(),
    soundEnabled: z.boolean(),
    notificationsEnabled: z.boolean(),
    hapticsEnabled: z.boolean(),
    autoPlayAudio: z.boolean(),
    reminderTime: z.string(),
    securityNotifications: z.boolean(),
    biometricEnabled: z.boolean(),
  }),
});
export type UserDto = z.infer<typeof userDto>;
