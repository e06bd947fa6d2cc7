import type { Db, Tx } from '../../db/client.js';
import type { User, UserSettings, UserStats } from '../../db/schema/index.js';
import { AppError } from '../../lib/errors.js';
import * as repo from './repo.js';
import type { UserDto } from './schema.js';

export type { UserDto } from './schema.js';

/**
 * What the app shows for a field the user has never set (api-contract §3.4, the default profile): English
 * speakers learning Spanish until onboarding says otherwise.
 */
export const PROFILE_DEFAULTS = { nativeLanguage: 'en', selectedLanguage: 'es' } as const;

/**
 * Loads one user's profile, or null when the account does not exist. `isPremium` is derived from the
 * entitlements active at `now` (an expiry takes effect without any event), badges from user_badges.
 */
export async function loadUserProfile(db: Db | Tx, userId: string, now: Date): Promise<UserDto | null> {
  const rows = await repo.findProfileRows(db, userId, now);
  return rows && toUserDto(rows);
}

function toUserDto(rows: {
  user: User;
  settings: UserSettings | null;
  stats: UserStats | null;
  isPremium: boolean;
  badges: string[];
}): UserDto {
  const { user, settings, stats } = rows;
  const selectedLanguage = user.selectedLanguage ?? PROFILE_DEFAULTS.selectedLanguage;
  return {
    id: user.id,
    email: user.email,
    pendingEmail: user.pendingEmail,
    name: user.name,
    displayName: user.displayName,
    bio: user.bio,
    avatarUrl: user.avatarUrl,
    role: user.role,
    createdAt: user.createdAt,
    isPremium: rows.isPremium,
    emailVerified: user.emailVerified,
    twoFactorEnabled: user.twoFactorEnabled,
    securityLevel: user.securityLevel,
    timezone: user.timezone,
    nativeLanguage: user.nativeLanguage ?? PROFILE_DEFAULTS.nativeLanguage,
    selectedLanguage,
    targetLanguage: selectedLanguage,
    proficiencyLevel: user.proficiencyLevel,
    learningGoals: user.learningGoals,
    interests: user.interests,
    preferredTopics: user.preferredTopics,
    dailyGoal: user.dailyGoalMinutes,
    dailyGoalMinutes: user.dailyGoalMinutes,
    onboardingCompleted: user.onboardingCompleted,
    streak: stats?.streakDays ?? 0,
    totalXP: stats?.xpPoints ?? 0,
    stats: {
      totalChats: stats?.totalChats ?? 0,
      streakDays: stats?.streakDays ?? 0,
      wordsLearned: stats?.wordsLearned ?? 0,
      xpPoints: stats?.xpPoints ?? 0,
      lessonsCompleted: stats?.lessonsCompleted ?? 0,
      lastActiveDate: stats?.lastActiveDate ?? '',
      messagesUsedToday: stats?.messagesUsedToday ?? 0,
      lastMessageDate: stats?.lastMessageDate ?? '',
      badges: rows.badges,
    },
    settings: {
      darkMode: settings?.darkMode ?? false,
      soundEnabled: settings?.soundEnabled ?? true,
      notificationsEnabled: settings?.notificationsEnabled ?? true,
      hapticsEnabled: settings?.hapticsEnabled ?? true,
      autoPlayAudio: settings?.autoPlayAudio ?? true,
      reminderTime: settings?.reminderTime ?? '19:00',
      securityNotifications: settings?.securityNotifications ?? true,
      biometricEnabled: settings?.biometricEnabled ?? false,
    },
  };
}

/** The profile of an existing account. Throws NOT_FOUND when the account is gone (deleted mid-session). */
export async function requireProfile(
  deps: { db: Db | Tx; clock: () => Date },
  userId: string,
): Promise<UserDto> {
  const profile = await loadUserProfile(deps.db, userId, deps.clock());
  if (!profile) throw new AppError('NOT_FOUND', 'User not found');
  return profile;
}
