import { z } from 'zod';

const userId = z.uuid();

/** `leaderboard.get` / `leaderboard.getRankings` (api-contract §3.10). */
export const rankingsInput = z.object({
  filter: z.enum(['all', 'weekly', 'monthly', 'friends']).default('all'),
  sortBy: z.enum(['xp', 'streak', 'lessons', 'languages']).default('xp'),
  limit: z.number().int().min(1).max(100).default(50),
  offset: z.number().int().min(0).max(100_000).default(0),
});
export type RankingsInput = z.infer<typeof rankingsInput>;

export const searchUsersInput = z.object({
  query: z.string().trim().min(1).max(100),
  limit: z.number().int().min(1).max(50).default(20),
});
export type SearchUsersInput = z.infer<typeof searchUsersInput>;

export const userStatsInput = z.object({ userId });
export const compareUsersInput = z.object({ userId1: userId, userId2: userId });
export const followInput = z.object({ userId });

/** `analytics.getLeaderboard` (api-contract §3.7): the same rankings in the analytics screen's shape. */
export const analyticsLeaderboardInput = z.object({
  type: z.enum(['xp', 'streak', 'lessons']).default('xp'),
  timeframe: z.enum(['week', 'month', 'all']).default('week'),
  limit: z.number().int().min(1).max(100).default(10),
});
export type AnalyticsLeaderboardInput = z.infer<typeof analyticsLeaderboardInput>;

/** A learner as anyone may see them on a leaderboard: never an email. */
export const leaderboardUser = z.object({
  id: z.string(),
  name: z.string(),
  avatar: z.string(),
  totalXP: z.number(),
  streak: z.number(),
  languagesLearned: z.array(z.string()),
  badges: z.array(z.string()),
  level: z.number(),
  league: z.string(),
  rank: z.number().nullable(),
  weeklyXP: z.number(),
  monthlyXP: z.number(),
  completedLessons: z.number(),
  achievements: z.array(z.string()),
  joinedAt: z.string(),
  lastActive: z.string().nullable(),
});
export type LeaderboardUser = z.infer<typeof leaderboardUser>;

/** `leaderboard.get`: one page of a board. */
export const rankingsPage = z.object({
  users: z.array(leaderboardUser),
  total: z.number(),
  hasMore: z.boolean(),
});
export type RankingsPage = z.infer<typeof rankingsPage>;

export interface Trophy {
  id: string;
  name: string;
  description: string;
  icon: string;
  rarity: 'bronze' | 'silver' | 'gold' | 'platinum';
  unlockedAt: Date;
}

/** `leaderboard.onChange`: a board as `leaderboard.get` names it (not `friends`: it is one's own), top N. */
export const onChangeInput = z.object({
  filter: z.enum(['all', 'weekly', 'monthly']).default('all'),
  sortBy: z.enum(['xp', 'streak', 'lessons', 'languages']).default('xp'),
  limit: z.number().int().min(1).max(100).default(10),
});
export type OnChangeInput = z.infer<typeof onChangeInput>;
