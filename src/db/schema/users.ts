import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { LANGUAGE_CODE_MESSAGE, LANGUAGE_CODE_PATTERN } from '../../lib/text-input.js';
import { createdAt, instant, oneOf, PROFICIENCY_LEVELS, updatedAt, uuidPk } from '../columns.js';
import { intRule, listRule, patternRule, ruleCheck, ruleChecks, ruleCondition, textRule } from '../rules.js';

export const USER_ROLES = ['user', 'admin'] as const;
export const SECURITY_LEVELS = ['low', 'medium', 'high'] as const;
export const ENTITLEMENTS = ['premium', 'pro'] as const;
export const ENTITLEMENT_SOURCES = ['revenuecat', 'admin', 'dev'] as const;

const languageRule = patternRule(LANGUAGE_CODE_PATTERN, 16, LANGUAGE_CODE_MESSAGE);
const tagsRule = listRule(30, 100);

/** What clients may write into users' columns: the checks below and the Zod inputs are built from these. */
export const USER_RULES = {
  email: textRule(0, 254),
  name: textRule(2, 50),
  displayName: textRule(2, 40),
  bio: textRule(0, 280),
  avatarUrl: textRule(0, 2048),
  deviceFingerprint: textRule(0, 256),
  timezone: textRule(1, 64),
  nativeLanguage: languageRule,
  selectedLanguage: languageRule,
  learningGoals: tagsRule,
  interests: tagsRule,
  preferredTopics: tagsRule,
  dailyGoalMinutes: intRule(5, 120),
} as const;

/** What clients may write into user_settings' columns. */
export const USER_SETTINGS_RULES = {
  reminderTime: patternRule(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 5, 'must be a time such as 19:00'),
} as const;

export const users = pgTable(
  'users',
  {
    id: uuidPk(),
    email: text('email').notNull(),
    /** An address the user asked to move to; `email` stays the login until a code sent here confirms it. */
    pendingEmail: text('pending_email'),
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
    deletedAt: instant('deleted_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('users_email_idx').on(t.email),
    // admin.users.search pages newest first by (created_at, id); signups and cohorts read it by time.
    index('users_created_at_id_idx').on(t.createdAt, t.id),
    // leaderboard.searchUsers: a prefix of the shown name, case-insensitive.
    index('users_shown_name_idx').on(sql`lower(coalesce(${t.displayName}, ${t.name})) text_pattern_ops`),
    check(
      'users_email_check',
      sql`${t.email} = lower(${t.email}) and ${ruleCondition(t.email, USER_RULES.email)}`,
    ),
    check(
      'users_pending_email_check',
      sql`${t.pendingEmail} = lower(${t.pendingEmail}) and ${ruleCondition(t.pendingEmail, USER_RULES.email)}`,
    ),
    // Email is lower-cased as well as bounded: its checks are the two above.
    ...ruleChecks('users', t, USER_RULES, ['email']),
    check('users_role_check', oneOf(t.role, USER_ROLES)),
    check('users_security_level_check', oneOf(t.securityLevel, SECURITY_LEVELS)),
    check('users_proficiency_level_check', oneOf(t.proficiencyLevel, PROFICIENCY_LEVELS)),
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
  (t) => [ruleCheck('user_settings', t.reminderTime, USER_SETTINGS_RULES.reminderTime)],
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

/**
 * The progression counters (gamification reads and writes them), as selected by the statements that lock
 * a learner's stats row: the lock itself and the daily chat count.
 */
export const progressionCounters = {
  xpPoints: userStats.xpPoints,
  streakDays: userStats.streakDays,
  lastActiveDate: userStats.lastActiveDate,
  wordsLearned: userStats.wordsLearned,
  lessonsCompleted: userStats.lessonsCompleted,
  totalChats: userStats.totalChats,
};

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

/** What a store event may write into entitlements' columns. */
export const ENTITLEMENT_RULES = { productId: textRule(0, 200) } as const;

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
    ruleCheck('entitlements', t.productId, ENTITLEMENT_RULES.productId),
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
