import { asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { type User, userBadges, userSettings, userStats, users } from '../../db/schema/index.js';
import { AppError } from '../../lib/errors.js';
import { activeEntitlementExists } from './repo.js';

/**
 * The user as the app sees it (api-contract §3.3 UserRecord and §3.4 profile), assembled from users,
 * user_settings and user_stats. Never includes the password hash, registration IP or device fingerprint.
 */
export interface UserDto {
  id: string;
  email: string;
  name: string;
  displayName: string | null;
  bio: string | null;
  avatarUrl: string | null;
  role: 'user' | 'admin';
  createdAt: Date;
  isPremium: boolean;
  emailVerified: boolean;
  twoFactorEnabled: boolean;
  securityLevel: 'low' | 'medium' | 'high';
  timezone: string;
  nativeLanguage: string | null;
  selectedLanguage: string | null;
  targetLanguage: string | null;
  proficiencyLevel: 'beginner' | 'intermediate' | 'advanced';
  learningGoals: string[];
  interests: string[];
  preferredTopics: string[];
  dailyGoal: number;
  dailyGoalMinutes: number;
  onboardingCompleted: boolean;
  streak: number;
  totalXP: number;
  stats: {
    totalChats: number;
    streakDays: number;
    wordsLearned: number;
    xpPoints: number;
    lessonsCompleted: number;
    lastActiveDate: string;
    messagesUsedToday: number;
    lastMessageDate: string;
    badges: string[];
  };
  settings: {
    darkMode: boolean;
    soundEnabled: boolean;
    notificationsEnabled: boolean;
    hapticsEnabled: boolean;
    autoPlayAudio: boolean;
    reminderTime: string;
    securityNotifications: boolean;
    biometricEnabled: boolean;
  };
}

/**
 * Loads one user's profile, or null when the account does not exist. `isPremium` is derived from the
 * entitlements active at `now` (an expiry takes effect without any event), badges from user_badges.
 */
export async function loadUserProfile(db: Db | Tx, userId: string, now: Date): Promise<UserDto | null> {
  const [[row], badgeRows] = await Promise.all([
    db
      .select({
        user: users,
        settings: userSettings,
        stats: userStats,
        isPremium: activeEntitlementExists(userId, now),
      })
      .from(users)
      .leftJoin(userSettings, eq(userSettings.userId, users.id))
      .leftJoin(userStats, eq(userStats.userId, users.id))
      .where(eq(users.id, userId))
      .limit(1),
    db
      .select({ badgeId: userBadges.badgeId })
      .from(userBadges)
      .where(eq(userBadges.userId, userId))
      .orderBy(asc(userBadges.unlockedAt), asc(userBadges.badgeId)),
  ]);
  if (!row) return null;
  return toUserDto(row.user, row.settings, row.stats, {
    isPremium: Boolean(row.isPremium),
    badges: badgeRows.map((badge) => badge.badgeId),
  });
}

type SettingsRow = typeof userSettings.$inferSelect;
type StatsRow = typeof userStats.$inferSelect;

/** What the users row alone cannot tell. Without it, the stored premium flag and no badges are used. */
export interface ProfileExtras {
  isPremium: boolean;
  badges: string[];
}

export function toUserDto(
  user: User,
  settings: SettingsRow | null,
  stats: StatsRow | null,
  extras?: ProfileExtras,
): UserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    displayName: user.displayName,
    bio: user.bio,
    avatarUrl: user.avatarUrl,
    role: user.role,
    createdAt: user.createdAt,
    isPremium: extras?.isPremium ?? user.isPremium,
    emailVerified: user.emailVerified,
    twoFactorEnabled: user.twoFactorEnabled,
    securityLevel: user.securityLevel,
    timezone: user.timezone,
    nativeLanguage: user.nativeLanguage,
    selectedLanguage: user.selectedLanguage,
    targetLanguage: user.selectedLanguage,
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
      badges: extras?.badges ?? [],
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
