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
export interface LeaderboardUser {
  id: string;
  name: string;
  avatar: string;
  totalXP: number;
  streak: number;
  languagesLearned: string[];
  badges: string[];
  level: number;
  league: string;
  rank: number | null;
  weeklyXP: number;
  monthlyXP: number;
  completedLessons: number;
  achievements: string[];
  joinedAt: string;
  lastActive: string | null;
}

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
