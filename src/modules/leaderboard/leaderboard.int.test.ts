import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/factories.js';
import { createTestApp, type TestApp, type TrpcClient, unique } from '../../../test/harness.js';
import { isolatedDatabase } from '../../../test/isolated-database.js';
import { queryRows } from '../../db/client.js';
import { weekOf } from '../gamification/periods.js';
import { recordActivity } from '../gamification/service.js';
import { boardFor } from './board.js';
import { applyRankingUpdate, boardKey, ensureBuilt } from './boards.js';
import * as repo from './repo.js';

/**
 * Leaderboards on a database of their own (ranks depend on every user), with rankings of their own,
 * compared with what SQL says over the same rows.
 */

let t: TestApp;
let drop: () => Promise<void>;
let namespace: string;
let anonymous: TrpcClient;
const learners: TestUser[] = [];
let lastWeekOnly: TestUser;
let database: Awaited<ReturnType<typeof isolatedDatabase>>['database'];

beforeAll(async () => {
  const isolated = await isolatedDatabase();
  drop = isolated.drop;
  database = isolated.database;
  namespace = unique('lb');
  // Pages uncached: these tests watch each read reach the rankings (one of their own covers the cache).
  t = await createTestApp({
    database: isolated.database,
    rankingNamespace: namespace,
    env: { LEADERBOARD_CACHE_SECONDS: '0' },
  });
  anonymous = await t.trpc();
  // Twelve learners; two share an XP total, so ties are ranked too. One earned only last week.
  const xp = [120, 300, 300, 45, 900, 0, 610, 75, 1_050, 220, 15, 480];
  for (const [index, amount] of xp.entries()) {
    const learner = await createUser(t, { name: `Ranked ${String.fromCharCode(65 + index)} Learner` });
    learners.push(learner);
    await earn(learner, amount, { lessons: index % 4, language: index % 3 === 0 ? 'fr' : 'es' });
  }
  lastWeekOnly = await createUser(t, { name: 'Ranked Last Week' });
  await earn(lastWeekOnly, 700, { at: new Date(Date.now() - 8 * 86_400_000) });
});
afterAll(async () => {
  await t?.close();
  await drop?.();
});

/** Records an activity as a lesson submission would, then updates the rankings as the service does. */
async function earn(
  learner: TestUser,
  amount: number,
  options: { at?: Date; lessons?: number; language?: string } = {},
) {
  const outcome = await t.deps.db.transaction((tx) =>
    recordActivity(
      { db: tx },
      {
        userId: learner.user.id,
        at: options.at ?? new Date(),
        timeZone: 'UTC',
        language: options.language ?? 'es',
        xp: [{ amount, source: 'lesson', refId: 'leaderboard-test' }],
        lessonsCompleted: options.lessons ?? 0,
      },
    ),
  );
  await applyRankingUpdate(t.deps, outcome.rankings);
  return outcome;
}

/** SQL's ranking of a score column: the ground truth the rankings must equal. */
async function truth(scoreSql: ReturnType<typeof sql>) {
  return queryRows<{ id: string; score: number }>(
    t.deps.db,
    sql`select user_id as id, score::int as score from (${scoreSql}) s
        where score > 0 order by score desc, user_id desc`,
  );
}

const allTimeXp = () => truth(sql`select user_id, xp_points as score from user_stats`);

describe('leaderboard.get', () => {
  it('ranks everyone by XP exactly as SQL does, ties included, and never shows an email', async () => {
    const expected = await allTimeXp();
    const answer = await anonymous.leaderboard.get.query({ sortBy: 'xp', limit: 100 });
    expect(answer.users.map((user) => [user.id, user.totalXP, user.rank])).toEqual(
      expected.map((row, index) => [row.id, row.score, index + 1]),
    );
    expect(answer.total).toBe(expected.length);
    expect(answer.hasMore).toBe(false);
    expect(JSON.stringify(answer)).not.toContain('@');
    const top = answer.users[0]!;
    const [held] = await queryRows<{ badges: string[]; achievements: string[]; joined: string }>(
      t.deps.db,
      sql`select array(select badge_id from user_badges where user_id = u.id
                       order by unlocked_at, badge_id) as badges,
                 array(select a.title from user_achievements ua join achievements a on a.id = ua.achievement_id
                       where ua.user_id = u.id and ua.unlocked_at is not null
                       order by ua.unlocked_at, ua.achievement_id) as achievements,
                 to_char(u.created_at at time zone 'UTC', 'YYYY-MM-DD') as joined
          from users u where u.id = ${top.id}`,
    );
    expect(held!.badges.length + held!.achievements.length).toBeGreaterThan(0);
    expect(top).toEqual({
      id: learners[8]!.user.id,
      name: 'Ranked I Learner',
      avatar: expect.stringContaining(top.id),
      totalXP: expected[0]!.score,
      streak: 1,
      level: Math.floor(expected[0]!.score / 100) + 1,
      league: expect.any(String),
      rank: 1,
      weeklyXP: expected[0]!.score,
      monthlyXP: expected[0]!.score,
      completedLessons: 0,
      languagesLearned: ['es'],
      badges: held!.badges,
      achievements: held!.achievements,
      joinedAt: held!.joined,
      lastActive: new Date().toISOString().slice(0, 10),
    });
  });

  it('pages with offset and limit', async () => {
    const expected = await allTimeXp();
    const page = await anonymous.leaderboard.getRankings.query({ sortBy: 'xp', limit: 5, offset: 5 });
    expect(page.users.map((user) => [user.id, user.rank])).toEqual(
      expected.slice(5, 10).map((row, index) => [row.id, index + 6]),
    );
    expect(page.hasMore).toBe(true);
  });

  it('rebuilds a ranking Redis lost from PostgreSQL, with the same answer', async () => {
    const before = await anonymous.leaderboard.get.query({ sortBy: 'xp', limit: 100 });
    await t.deps.rankings.delete(`${namespace}:xp:all`);
    const after = await anonymous.leaderboard.get.query({ sortBy: 'xp', limit: 100 });
    expect(after.users.map((user) => [user.id, user.rank])).toEqual(
      before.users.map((user) => [user.id, user.rank]),
    );
    expect(await t.deps.rankings.size(`${namespace}:xp:all`)).toBe(before.total);
  });

  it('answers scores and positions from PostgreSQL exactly as the rankings do (their fallback)', async () => {
    const ids = [...learners, lastWeekOnly].map((learner) => learner.user.id);
    for (const board of [boardFor('xp', 'all', new Date()), boardFor('xp', 'week', new Date())]) {
      expect(await ensureBuilt(t.deps, board)).toBe(true);
      const key = boardKey(t.deps, board);
      expect(await repo.boardScoresOf(t.deps.db, board, ids)).toEqual(await t.deps.rankings.scores(key, ids));
      for (const id of ids)
        expect(await repo.boardPositionOf(t.deps.db, board, id)).toEqual(
          await t.deps.rankings.position(key, id),
        );
    }
  });

  it('ranks this week’s XP from the ledger: last week’s does not count', async () => {
    const week = weekOf(new Date());
    const expected = await truth(
      sql`select user_id, sum(amount) as score from xp_events
          where created_at >= ${week.start.toISOString()}::timestamptz group by user_id`,
    );
    const answer = await anonymous.leaderboard.get.query({ filter: 'weekly', sortBy: 'xp', limit: 100 });
    expect(answer.users.map((user) => [user.id, user.weeklyXP])).toEqual(
      expected.map((row) => [row.id, row.score]),
    );
    expect(answer.users.find((user) => user.id === lastWeekOnly.user.id)).toBeUndefined();
    await t.deps.rankings.delete(`${namespace}:xp:week:${week.id}`);
    const rebuilt = await anonymous.leaderboard.get.query({ filter: 'weekly', sortBy: 'xp', limit: 100 });
    expect(rebuilt.users.map((user) => user.id)).toEqual(expected.map((row) => row.id));
  });

  it.each([
    ['streak', sql`select user_id, streak_days as score from user_stats`],
    ['lessons', sql`select user_id, lessons_completed as score from user_stats`],
    [
      'languages',
      sql`select u.id as user_id, count(l.language) as score from users u
          left join user_language_progress l on l.user_id = u.id group by u.id`,
    ],
  ] as const)('ranks by %s as SQL does', async (sortBy, scoreSql) => {
    const expected = await truth(scoreSql);
    const answer = await anonymous.leaderboard.get.query({ sortBy, limit: 100 });
    expect(answer.users.map((user) => user.id)).toEqual(expected.map((row) => row.id));
  });

  it('ranks the caller and those they follow on the friends board, and only for a signed-in caller', async () => {
    const [me, friend, other] = [learners[0]!, learners[8]!, learners[3]!];
    await me.client.leaderboard.follow.mutate({ userId: friend.user.id });
    await me.client.leaderboard.follow.mutate({ userId: other.user.id });
    await me.client.leaderboard.follow.mutate({ userId: other.user.id });
    const friends = await me.client.leaderboard.get.query({ filter: 'friends', limit: 10 });
    expect(friends.users.map((user) => user.id)).toEqual([friend.user.id, me.user.id, other.user.id]);
    expect(friends.users.map((user) => user.rank)).toEqual([1, 2, 3]);
    await me.client.leaderboard.unfollow.mutate({ userId: other.user.id });
    expect((await me.client.leaderboard.get.query({ filter: 'friends' })).total).toBe(2);
    await expect(anonymous.leaderboard.get.query({ filter: 'friends' })).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
  });

  it('refuses to follow oneself or someone unknown', async () => {
    const me = learners[1]!;
    await expect(me.client.leaderboard.follow.mutate({ userId: me.user.id })).rejects.toMatchObject({
      data: { errorCode: 'VALIDATION_ERROR' },
    });
    await expect(
      me.client.leaderboard.follow.mutate({ userId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({ data: { errorCode: 'NOT_FOUND' } });
  });
});

describe('leaderboard page cache', () => {
  it('describes a page once per window, then shows what changed', async () => {
    const cachedApp = await createTestApp({
      database,
      rankingNamespace: namespace,
      env: { LEADERBOARD_CACHE_SECONDS: '1' },
    });
    try {
      const reader = await cachedApp.trpc();
      const read = () => reader.leaderboard.get.query({ sortBy: 'streak', limit: 3 });
      const before = await read();
      const climber = learners[10]!;
      await t.deps.db.execute(
        sql`update user_stats set streak_days = 999 where user_id = ${climber.user.id}`,
      );
      // As the write path does; embedded, each app has rankings of its own.
      for (const app of [t, cachedApp])
        await app.deps.rankings.setScores(`${namespace}:streak:all`, [
          { member: climber.user.id, score: 999 },
        ]);
      expect(await read()).toEqual(before);
      await expect
        .poll(async () => (await read()).users[0]?.id, { timeout: 5_000, interval: 200 })
        .toBe(climber.user.id);
    } finally {
      await cachedApp.close();
    }
  });
});

describe('the other leaderboard reads', () => {
  it('find learners by the start of their shown name only, never by email', async () => {
    const found = await anonymous.leaderboard.searchUsers.query({ query: 'ranked b' });
    expect(found.map((user) => user.id)).toEqual([learners[1]!.user.id]);
    const local = learners[1]!.user.email.split('@')[0]!;
    expect(await anonymous.leaderboard.searchUsers.query({ query: local })).toEqual([]);
    expect(await anonymous.leaderboard.searchUsers.query({ query: '%' })).toEqual([]);
  });

  it('describe one learner with rank and trophies, and compare two', async () => {
    const top = learners[8]!;
    const stats = await learners[0]!.client.leaderboard.getUserStats.query({ userId: top.user.id });
    const expected = await allTimeXp();
    expect(stats).toMatchObject({
      id: top.user.id,
      totalXP: expected.find((row) => row.id === top.user.id)!.score,
      rank: expected.findIndex((row) => row.id === top.user.id) + 1,
      league: 'Silver',
    });
    // 1,050 XP unlocked the 1,000 XP achievement, whose reward counts too.
    expect(stats.trophies.map((trophy) => trophy.id)).toContain('xp_1000');
    const compared = await anonymous.leaderboard.compareUsers.query({
      userId1: learners[0]!.user.id,
      userId2: top.user.id,
    });
    expect(compared.comparison.xpDifference).toBe(compared.user2.totalXP - compared.user1.totalXP);
    await expect(
      learners[0]!.client.leaderboard.getUserStats.query({ userId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
  });

  it('total every learner as SQL does', async () => {
    const [row] = await queryRows<{ users: number; xp: number; lessons: number }>(
      t.deps.db,
      sql`select count(*)::int as users, sum(xp_points)::int as xp, sum(lessons_completed)::int as lessons
          from user_stats`,
    );
    const stats = await anonymous.leaderboard.getGlobalStats.query();
    expect(stats).toMatchObject({
      totalUsers: row!.users,
      totalXPEarned: row!.xp,
      totalLessonsCompleted: row!.lessons,
    });
    expect(stats.topLanguages.map((language) => language.language)).toEqual(['es', 'fr']);
  });

  it('serve analytics.getLeaderboard in its own shape', async () => {
    const expected = await allTimeXp();
    const board = await anonymous.analytics.getLeaderboard.query({ type: 'xp', timeframe: 'all', limit: 3 });
    expect(board).toEqual(
      expected.slice(0, 3).map((row, index) => ({
        id: row.id,
        name: expect.any(String),
        avatar: expect.any(String),
        score: row.score,
        rank: index + 1,
      })),
    );
  });
});
