import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, instant, oneOf, updatedAt, uuidPk } from '../columns.js';
import { userIdRef } from './users.js';

export const XP_SOURCES = ['chat', 'exercise', 'lesson', 'challenge', 'achievement', 'adjustment'] as const;
export const BADGE_TYPES = [
  'totalChats',
  'streakDays',
  'wordsLearned',
  'badgesCount',
  'language',
  'lessonsCompleted',
  'xp',
] as const;
export const ACHIEVEMENT_CATEGORIES = ['streak', 'xp', 'lessons', 'words', 'accuracy', 'chat'] as const;
export const ACHIEVEMENT_RARITIES = ['common', 'rare', 'epic', 'legendary'] as const;

export interface AchievementRequirement {
  type: string;
  value: number;
}

export interface AchievementReward {
  xp: number;
  badge?: string;
  title?: string;
}

/**
 * Append-only XP ledger. Totals live in `user_stats.xp_points`; weekly and monthly leaderboards are
 * windowed sums over this table, hence the `created_at` index.
 */
export const xpEvents = pgTable(
  'xp_events',
  {
    id: uuidPk(),
    userId: userIdRef(),
    amount: integer('amount').notNull(),
    source: text('source', { enum: XP_SOURCES }).notNull(),
    /** What earned it (lesson id, attempt id, challenge id…); free-form because the sources differ. */
    refId: text('ref_id'),
    createdAt: createdAt(),
  },
  (t) => [
    index('xp_events_user_id_created_at_idx').on(t.userId, t.createdAt),
    index('xp_events_created_at_idx').on(t.createdAt),
    check('xp_events_source_check', oneOf(t.source, XP_SOURCES)),
    // Only a manual adjustment may take XP away.
    check('xp_events_amount_check', sql`${t.amount} >= 0 or ${t.source} = 'adjustment'`),
  ],
);

export const badges = pgTable(
  'badges',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    icon: text('icon').notNull(),
    type: text('type', { enum: BADGE_TYPES }).notNull(),
    requiredValue: integer('required_value').notNull(),
  },
  (t) => [
    check('badges_type_check', oneOf(t.type, BADGE_TYPES)),
    check('badges_required_value_check', sql`${t.requiredValue} >= 0`),
  ],
);

export const userBadges = pgTable(
  'user_badges',
  {
    userId: userIdRef(),
    // No cascade: removing a badge someone has earned must be a deliberate migration, not a side effect.
    badgeId: text('badge_id')
      .notNull()
      .references(() => badges.id),
    unlockedAt: instant('unlocked_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.badgeId] }), index('user_badges_badge_id_idx').on(t.badgeId)],
);

export const achievements = pgTable(
  'achievements',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    icon: text('icon').notNull(),
    category: text('category', { enum: ACHIEVEMENT_CATEGORIES }).notNull(),
    requirement: jsonb('requirement').$type<AchievementRequirement>().notNull(),
    reward: jsonb('reward').$type<AchievementReward>().notNull(),
    rarity: text('rarity', { enum: ACHIEVEMENT_RARITIES }).notNull(),
  },
  (t) => [
    check('achievements_category_check', oneOf(t.category, ACHIEVEMENT_CATEGORIES)),
    check('achievements_rarity_check', oneOf(t.rarity, ACHIEVEMENT_RARITIES)),
  ],
);

export const userAchievements = pgTable(
  'user_achievements',
  {
    userId: userIdRef(),
    // No cascade, for the same reason as user_badges.
    achievementId: text('achievement_id')
      .notNull()
      .references(() => achievements.id),
    progress: integer('progress').notNull().default(0),
    maxProgress: integer('max_progress').notNull(),
    unlockedAt: instant('unlocked_at'),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.achievementId] }),
    index('user_achievements_achievement_id_idx').on(t.achievementId),
    check(
      'user_achievements_progress_check',
      sql`${t.maxProgress} > 0 and ${t.progress} between 0 and ${t.maxProgress}`,
    ),
  ],
);

export type XpEvent = typeof xpEvents.$inferSelect;
export type NewXpEvent = typeof xpEvents.$inferInsert;
export type Badge = typeof badges.$inferSelect;
export type NewBadge = typeof badges.$inferInsert;
export type UserBadge = typeof userBadges.$inferSelect;
export type Achievement = typeof achievements.$inferSelect;
export type NewAchievement = typeof achievements.$inferInsert;
export type UserAchievement = typeof userAchievements.$inferSelect;
export type NewUserAchievement = typeof userAchievements.$inferInsert;
