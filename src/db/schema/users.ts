import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, instant, oneOf, PROFICIENCY_LEVELS, updatedAt, uuidPk } from '../columns.js';

export const USER_ROLES = ['user', 'admin'] as const;
export const SECURITY_LEVELS = ['low', 'medium', 'high'] as const;
export const ENTITLEMENTS = ['premium', 'pro'] as const;
export const ENTITLEMENT_SOURCES = ['revenuecat', 'admin', 'dev'] as const;

export const users = pgTable(
  'users',
  {
    id: uuidPk(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    name: text('name').notNull(),
    displayName: text('display_name'),
    bio: text('bio'),
    avatarUrl: text('avatar_url'),
    role: text('role', { enum: USER_ROLES }).notNull().default('user'),
    emailVerified: boolean('email_verified').notNull().default(false),
    twoFactorEnabled: boolean('two_factor_enabled').notNull().default(false),
    securityLevel: text('security_level', { enum: SECURITY_LEVELS }).notNull().default('medium'),
    registrationIp: text('registration_ip'),
    deviceFingerprint: text('device_fingerprint'),
    timezone: text('timezone').notNull().default('UTC'),
    nativeLanguage: text('native_language'),
    selectedLanguage: text('selected_language'),
    proficiencyLevel: text('proficiency_level', { enum: PROFICIENCY_LEVELS }).notNull().default('beginner'),
    learningGoals: text('learning_goals').array().notNull().default([]),
    interests: text('interests').array().notNull().default([]),
    preferredTopics: text('preferred_topics').array().notNull().default([]),
    dailyGoalMinutes: integer('daily_goal_minutes').notNull().default(15),
    onboardingCompleted: boolean('onboarding_completed').notNull().default(false),
    placementCompleted: boolean('placement_completed').notNull().default(false),
    profileCompleted: boolean('profile_completed').notNull().default(false),
    isPremium: boolean('is_premium').notNull().default(false),
    lockedUntil: instant('locked_until'),
    failedLoginCount: integer('failed_login_count').notNull().default(0),
    /** Locks so far since the last successful login; each lock lasts twice as long as the one before. */
    lockouts: integer('lockouts').notNull().default(0),
    deletedAt: instant('deleted_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('users_email_idx').on(t.email),
    check('users_email_check', sql`${t.email} = lower(${t.email}) and char_length(${t.email}) <= 254`),
    check('users_display_name_check', sql`char_length(${t.displayName}) between 2 and 40`),
    check('users_bio_check', sql`char_length(${t.bio}) <= 280`),
    check('users_role_check', oneOf(t.role, USER_ROLES)),
    check('users_security_level_check', oneOf(t.securityLevel, SECURITY_LEVELS)),
    check('users_proficiency_level_check', oneOf(t.proficiencyLevel, PROFICIENCY_LEVELS)),
    check('users_daily_goal_minutes_check', sql`${t.dailyGoalMinutes} between 5 and 120`),
    check('users_failed_login_count_check', sql`${t.failedLoginCount} >= 0`),
  ],
);

/** `user_id uuid not null references users(id) on delete cascade`: the owner column of user-owned rows. */
export const userIdRef = () =>
  uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' });

export const userSettings = pgTable(
  'user_settings',
  {
    userId: userIdRef().primaryKey(),
    darkMode: boolean('dark_mode').notNull().default(false),
    soundEnabled: boolean('sound_enabled').notNull().default(true),
    notificationsEnabled: boolean('notifications_enabled').notNull().default(true),
    hapticsEnabled: boolean('haptics_enabled').notNull().default(true),
    autoPlayAudio: boolean('auto_play_audio').notNull().default(true),
    reminderTime: text('reminder_time').notNull().default('19:00'),
    securityNotifications: boolean('security_notifications').notNull().default(true),
    biometricEnabled: boolean('biometric_enabled').notNull().default(false),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('user_settings_reminder_time_check', sql`${t.reminderTime} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`),
  ],
);

export const userStats = pgTable(
  'user_stats',
  {
    userId: userIdRef().primaryKey(),
    totalChats: integer('total_chats').notNull().default(0),
    streakDays: integer('streak_days').notNull().default(0),
    wordsLearned: integer('words_learned').notNull().default(0),
    xpPoints: integer('xp_points').notNull().default(0),
    lessonsCompleted: integer('lessons_completed').notNull().default(0),
    lastActiveDate: date('last_active_date', { mode: 'string' }),
    messagesUsedToday: integer('messages_used_today').notNull().default(0),
    lastMessageDate: date('last_message_date', { mode: 'string' }),
    updatedAt: updatedAt(),
  },
  (t) => [
    check(
      'user_stats_counters_check',
      sql.join(
        [t.totalChats, t.streakDays, t.wordsLearned, t.xpPoints, t.lessonsCompleted, t.messagesUsedToday].map(
          (c) => sql`${c} >= 0`,
        ),
        sql` and `,
      ),
    ),
  ],
);

/** The last few password hashes of a user, so that a password change can refuse a recent one. */
export const passwordHistory = pgTable(
  'password_history',
  {
    id: uuidPk(),
    userId: userIdRef(),
    passwordHash: text('password_hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('password_history_user_id_created_at_idx').on(t.userId, t.createdAt)],
);

/**
 * Paid or granted access. `users.is_premium` is a denormalised flag recomputed from the active rows here
 * (not revoked, not expired); one row per user, entitlement and source so that webhooks upsert.
 */
export const entitlements = pgTable(
  'entitlements',
  {
    id: uuidPk(),
    userId: userIdRef(),
    entitlement: text('entitlement', { enum: ENTITLEMENTS }).notNull(),
    source: text('source', { enum: ENTITLEMENT_SOURCES }).notNull(),
    /** e.g. premium_monthly, premium_yearly, premium_lifetime; null for admin and dev grants. */
    productId: text('product_id'),
    /** Null means it never expires (lifetime purchase or a permanent grant). */
    expiresAt: instant('expires_at'),
    revokedAt: instant('revoked_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('entitlements_user_id_entitlement_source_idx').on(t.userId, t.entitlement, t.source),
    check('entitlements_entitlement_check', oneOf(t.entitlement, ENTITLEMENTS)),
    check('entitlements_source_check', oneOf(t.source, ENTITLEMENT_SOURCES)),
  ],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type UserSettings = typeof userSettings.$inferSelect;
export type NewUserSettings = typeof userSettings.$inferInsert;
export type UserStats = typeof userStats.$inferSelect;
export type NewUserStats = typeof userStats.$inferInsert;
export type Entitlement = typeof entitlements.$inferSelect;
export type NewEntitlement = typeof entitlements.$inferInsert;
