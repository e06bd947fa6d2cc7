import type { Env } from '../../config/env.js';
import { cached } from '../../lib/cache.js';
import { AppError } from '../../lib/errors.js';
import type { Metrics } from '../../lib/metrics.js';
import { type EventsDeps, enqueueEvents } from '../../realtime/outbox.js';
import { leagueOf, levelOf } from '../gamification/rules.js';
import { type Board, boardFor } from './board.js';
import { type BoardDeps, boardKey, boardPosition, boardRange, boardScores } from './boards.js';
import * as repo from './repo.js';
import type {
  AnalyticsLeaderboardInput,
  LeaderboardUser,
  RankingsInput,
  SearchUsersInput,
  Trophy,
} from './schema.js';

export interface LeaderboardDeps extends BoardDeps, EventsDeps {
  metrics: Pick<Metrics, 'cacheFallbacks'>;
  env: Pick<Env, 'LEADERBOARD_CACHE_SECONDS'>;
}

/** The most users a friends leaderboard compares: oneself and up to this many followed. */
export const MAX_FOLLOWED = 1_000;
const GLOBAL_STATS_TTL_SECONDS = 60;

const RARITY: Record<string, Trophy['rarity']> = {
  common: 'bronze',
  rare: 'silver',
  epic: 'gold',
  legendary: 'platinum',
};

/**
 * `leaderboard.get` / `getRankings`: a page of a ranking. XP ranks over all time, this ISO week or this
 * month (UTC); streak, lessons and languages over all time. Ranks are positions: equal scores are ordered
 * by user id, the same in Redis and in PostgreSQL. `friends` ranks the caller and those they follow
 * (UNAUTHORIZED when signed out).
 */
export async function rankings(deps: LeaderboardDeps, callerId: string | null, input: RankingsInput) {
  const timeframe = input.filter === 'weekly' ? 'week' : input.filter === 'monthly' ? 'month' : 'all';
  const board = boardFor(input.sortBy, timeframe, deps.clock());
  if (input.filter === 'friends') {
    if (!callerId) throw new AppError('UNAUTHORIZED', 'Sign in to see your friends');
    const ids = [callerId, ...(await repo.followeesOf(deps.db, callerId, MAX_FOLLOWED))];
    const scores = await boardScores(deps, board, ids);
    const ranked = ids
      .map((member, index) => ({ member, score: scores[index] ?? 0 }))
      .sort((a, b) => b.score - a.score || (a.member < b.member ? 1 : -1));
    const page = ranked.slice(input.offset, input.offset + input.limit);
    const users = await describe(deps, page, input.offset);
    return { users, total: ranked.length, hasMore: input.offset + input.limit < ranked.length };
  }
  // Everyone reads the same pages, the first above all: each is described once per short window.
  const page = `${boardKey(deps, board)}:${input.offset}:${input.limit}`;
  return cached(deps, 'leaderboard-page', page, deps.env.LEADERBOARD_CACHE_SECONDS, () =>
    describedPage(deps, board, input.offset, input.limit),
  );
}

/** A page of a board as `leaderboard.get` answers it, read now (uncached). */
export async function describedPage(deps: LeaderboardDeps, board: Board, offset: number, limit: number) {
  const { entries, total } = await boardRange(deps, board, offset, limit);
  const users = await describe(deps, entries, offset);
  const known = total ?? offset + entries.length;
  return { users, total: known, hasMore: offset + limit < known };
}

/** `analytics.getLeaderboard`: the same rankings, in the analytics screen's `{id, name, avatar, score, rank}`. */
export async function analyticsLeaderboard(deps: LeaderboardDeps, input: AnalyticsLeaderboardInput) {
  const board = boardFor(input.type, input.timeframe, deps.clock());
  const page = `${boardKey(deps, board)}:${input.limit}`;
  return cached(deps, 'analytics-leaderboard', page, deps.env.LEADERBOARD_CACHE_SECONDS, () =>
    analyticsPage(deps, board, input.limit),
  );
}

async function analyticsPage(deps: LeaderboardDeps, board: Board, limit: number) {
  const { entries } = await boardRange(deps, board, 0, limit);
  const profiles = new Map(
    (
      await repo.publicCards(
        deps.db,
        entries.map((e) => e.member),
      )
    ).map((p) => [p.id, p]),
  );
  return entries.flatMap((entry, index) => {
    const profile = profiles.get(entry.member);
    return profile
      ? [
          {
            id: profile.id,
            name: shownName(profile),
            avatar: avatarOf(profile),
            score: entry.score,
            rank: index + 1,
          },
        ]
      : [];
  });
}

/** `leaderboard.searchUsers`: learners whose shown name starts with the query. Never matches an email. */
export async function searchUsers(deps: LeaderboardDeps, input: SearchUsersInput) {
  const ids = await repo.findByNamePrefix(deps.db, input.query, input.limit);
  const users = await describe(
    deps,
    ids.map((member) => ({ member, score: 0 })),
    null,
  );
  return users.map(({ id, name, avatar, totalXP, streak, level, languagesLearned }) => ({
    id,
    name,
    avatar,
    totalXP,
    streak,
    level,
    languagesLearned,
  }));
}

/** `leaderboard.getUserStats`: one learner's public statistics and trophies. NOT_FOUND for an unknown id. */
export async function userStats(deps: LeaderboardDeps, userId: string) {
  const [[user], unlocked] = await Promise.all([
    describe(deps, [{ member: userId, score: 0 }], null),
    repo.unlockedAchievements(deps.db, userId),
  ]);
  if (!user) throw new AppError('NOT_FOUND', 'User not found');
  const trophies: Trophy[] = unlocked.map(({ achievement, unlockedAt }) => ({
    id: achievement.id,
    name: achievement.title,
    description: achievement.description,
    icon: achievement.icon,
    rarity: RARITY[achievement.rarity] ?? 'bronze',
    unlockedAt: unlockedAt!,
  }));
  return { ...user, trophies };
}

/** `leaderboard.compareUsers`: both learners' statistics and the differences (second minus first). */
export async function compareUsers(deps: LeaderboardDeps, userId1: string, userId2: string) {
  const [user1, user2] = await Promise.all([userStats(deps, userId1), userStats(deps, userId2)]);
  return {
    user1,
    user2,
    comparison: {
      xpDifference: user2.totalXP - user1.totalXP,
      streakDifference: user2.streak - user1.streak,
      levelDifference: user2.level - user1.level,
      lessonsDifference: user2.completedLessons - user1.completedLessons,
      languagesDifference: user2.languagesLearned.length - user1.languagesLearned.length,
      badgesDifference: user2.badges.length - user1.badges.length,
    },
  };
}

/** `leaderboard.getGlobalStats`: totals over every learner, recomputed at most once a minute. */
export function globalStats(deps: LeaderboardDeps) {
  const now = deps.clock();
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
  return cached(deps, 'leaderboard-global', deps.rankingNamespace, GLOBAL_STATS_TTL_SECONDS, async () => {
    const { totals, languages } = await repo.globalTotals(deps.db, { week: daysAgo(7), month: daysAgo(30) });
    return {
      totalUsers: totals.users,
      totalXPEarned: Number(totals.xp),
      totalLessonsCompleted: Number(totals.lessons),
      averageStreak: Math.round(Number(totals.averageStreak) * 10) / 10,
      topLanguages: languages.map((row) => ({ language: row.language, learners: row.learners })),
      weeklyActiveUsers: totals.weeklyActive,
      monthlyActiveUsers: totals.monthlyActive,
    };
  });
}

/**
 * `leaderboard.follow`: the caller follows a learner, who then appears on the caller's friends leaderboard.
 * Idempotent; a new follow tells the followed learner (`new_follower`). VALIDATION_ERROR for oneself, NOT_FOUND for an unknown user, CONFLICT past MAX_FOLLOWED.
 */
export async function follow(deps: LeaderboardDeps, callerId: string, userId: string) {
  if (callerId === userId) {
    throw new AppError('VALIDATION_ERROR', 'You cannot follow yourself', {
      issues: [{ path: 'userId', message: 'You cannot follow yourself', code: 'SELF' }],
    });
  }
  if (!(await repo.userExists(deps.db, userId))) throw new AppError('NOT_FOUND', 'User not found');
  if ((await repo.countFollowees(deps.db, callerId)) >= MAX_FOLLOWED) {
    throw new AppError('CONFLICT', `You already follow ${MAX_FOLLOWED} learners`);
  }
  const told = await deps.db.transaction(async (tx) => {
    if (!(await repo.follow(tx, callerId, userId))) return false;
    const followerName = (await repo.shownName(tx, callerId)) ?? 'A learner';
    await enqueueEvents(tx, [{ userId, type: 'new_follower', data: { followerId: callerId, followerName } }]);
    return true;
  });
  if (told) deps.relay.wake();
  return { success: true as const, following: true };
}

/** `leaderboard.unfollow`: stops following; answers the same whether or not the caller followed them. */
export async function unfollow(deps: LeaderboardDeps, callerId: string, userId: string) {
  await repo.unfollow(deps.db, callerId, userId);
  return { success: true as const, following: false };
}

/**
 * The public view of ranked entries: profile, languages, trophies, and the weekly and monthly XP. `offset`
 * numbers the ranks of a page; null leaves ranks to each user's all-time XP position.
 */
async function describe(
  deps: LeaderboardDeps,
  entries: { member: string; score: number }[],
  offset: number | null,
): Promise<LeaderboardUser[]> {
  const ids = entries.map((entry) => entry.member);
  if (ids.length === 0) return [];
  const now = deps.clock();
  const week: Board = boardFor('xp', 'week', now);
  const month: Board = boardFor('xp', 'month', now);
  const [profiles, weekly, monthly, positions] = await Promise.all([
    repo.publicCards(deps.db, ids),
    boardScores(deps, week, ids),
    boardScores(deps, month, ids),
    offset === null
      ? Promise.all(ids.map((id) => boardPosition(deps, boardFor('xp', 'all', now), id)))
      : Promise.resolve(null),
  ]);
  const byId = new Map(profiles.map((profile) => [profile.id, profile]));
  return entries.flatMap((entry, index) => {
    const profile = byId.get(entry.member);
    if (!profile) return [];
    const position = positions ? positions[index] : null;
    return [
      {
        id: profile.id,
        name: shownName(profile),
        avatar: avatarOf(profile),
        totalXP: profile.xp,
        streak: profile.streak,
        languagesLearned: profile.languages,
        badges: profile.badges,
        level: levelOf(profile.xp),
        league: leagueOf(profile.xp),
        rank: offset !== null ? offset + index + 1 : position ? position.position + 1 : null,
        weeklyXP: weekly[index] ?? 0,
        monthlyXP: monthly[index] ?? 0,
        completedLessons: profile.lessonsCompleted,
        achievements: profile.achievements,
        joinedAt: profile.joinedAt,
        lastActive: profile.lastActiveDate,
      },
    ];
  });
}

const shownName = (profile: repo.PublicCardRow) => profile.displayName ?? profile.name;

/** The user's picture, or a generated one from their id (no personal data in the URL). */
const avatarOf = (profile: repo.PublicCardRow) =>
  profile.avatarUrl ?? `https://api.dicebear.com/7.x/initials/svg?seed=${profile.id}`;
