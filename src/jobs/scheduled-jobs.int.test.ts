import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvent } from '../../test/analytics-data.js';
import { createUser, type TestUser } from '../../test/factories.js';
import { createTestApp, type TestApp, unique } from '../../test/harness.js';
import { isolatedDatabase } from '../../test/isolated-database.js';
import { queryRows } from '../db/client.js';
import { analyticsDaily, srsCards, userEvents, userStats } from '../db/schema/index.js';
import { recordActivity } from '../modules/gamification/service.js';
import { boardFor } from '../modules/leaderboard/board.js';
import { applyRankingUpdate, boardKey } from '../modules/leaderboard/boards.js';
import type { AnyJob, JobDeps } from './define.js';
import { analyticsRollup, leaderboardReconcile, srsReminders, streakReminders } from './registry.js';

/**
 * The scheduled jobs' work, through their definitions, on a database of its own (their answers depend on
 * every row: all events of a day, all learners in a zone), with the clock given to each run.
 */

let t: TestApp;
let drop: () => Promise<void>;

beforeAll(async () => {
  const isolated = await isolatedDatabase();
  drop = isolated.drop;
  t = await createTestApp({ database: isolated.database, rankingNamespace: unique('lb') });
});
afterAll(async () => {
  await t?.close();
  await drop?.();
});

let runs = 0;
/** Runs a job's handler as a worker would, at `at`. */
function runJob(job: AnyJob, at: Date, payload: unknown = {}) {
  const deps: JobDeps = { ...t.deps, clock: () => at };
  return job.handler(deps, job.payload.parse(payload), { id: `test-${++runs}`, attempt: 1 });
}

describe('analytics-rollup', () => {
  let users: TestUser[];
  const day1 = '2026-03-01';
  const day2 = '2026-03-02';
  const at = (day: string, time: string) => new Date(`${day}T${time}Z`);

  beforeAll(async () => {
    users = [await createUser(t), await createUser(t), await createUser(t)];
    const [a, b, c] = users.map((user) => user.user.id) as [string, string, string];
    await insertEvent(t, a, 'app_opened', {}, at(day1, '00:00:00'));
    await insertEvent(t, a, 'app_opened', {}, at(day1, '23:59:59'));
    await insertEvent(t, b, 'app_opened', {}, at(day1, '12:00:00'));
    await insertEvent(t, a, 'screen_viewed', { screen: 'home', language: 'es' }, at(day1, '08:00:00'));
    await insertEvent(t, b, 'screen_viewed', { screen: 'home', language: 'es' }, at(day1, '09:00:00'));
    await insertEvent(t, c, 'screen_viewed', { screen: 'home', language: 'fr' }, at(day1, '10:00:00'));
    await insertEvent(t, c, 'app_opened', {}, at(day2, '01:00:00'));
    // Today (not complete yet at the run's time): never rolled up.
    await insertEvent(t, c, 'app_opened', {}, at('2026-03-03', '01:00:00'));
  });

  const rows = async () =>
    (
      await t.deps.db
        .select()
        .from(analyticsDaily)
        .where(inArray(analyticsDaily.day, [day1, day2, '2026-03-03']))
    ).sort((x, y) => `${x.day}${x.event}${x.language}`.localeCompare(`${y.day}${y.event}${y.language}`));

  it('counts events and distinct users per completed day, event and language', async () => {
    const result = await runJob(analyticsRollup, at('2026-03-03', '00:10:00'));
    expect((result as { days: string[] }).days).toContain(day1);
    expect(await rows()).toEqual([
      { day: day1, event: 'app_opened', language: '', events: 3, users: 2 },
      { day: day1, event: 'screen_viewed', language: 'es', events: 2, users: 2 },
      { day: day1, event: 'screen_viewed', language: 'fr', events: 1, users: 1 },
      { day: day2, event: 'app_opened', language: '', events: 1, users: 1 },
    ]);
    // The same numbers straight from the raw events.
    const raw = await queryRows<{ events: number; users: number }>(
      t.deps.db,
      sql`select count(*)::int as events, count(distinct user_id)::int as users from analytics_events
          where occurred_at >= '2026-03-01T00:00:00Z' and occurred_at < '2026-03-02T00:00:00Z'`,
    );
    const day1Rows = (await rows()).filter((row) => row.day === day1);
    expect(day1Rows.reduce((sum, row) => sum + row.events, 0)).toBe(raw[0]!.events);
  });

  it('re-running does not double count, and picks up an event that arrived late', async () => {
    await runJob(analyticsRollup, at('2026-03-03', '06:00:00'));
    await runJob(analyticsRollup, at('2026-03-03', '12:00:00'));
    expect((await rows()).find((row) => row.day === day1 && row.event === 'app_opened')).toMatchObject({
      events: 3,
      users: 2,
    });
    await insertEvent(t, users[1]!.user.id, 'app_opened', {}, at(day2, '22:00:00'));
    await runJob(analyticsRollup, at('2026-03-03', '18:00:00'));
    expect((await rows()).find((row) => row.day === day2)).toMatchObject({ events: 2, users: 2 });
  });

  it('catches up days it missed, and backfills days it is given', async () => {
    // Run days later: the days in between are computed; day1 (done) is not recomputed.
    const later = await runJob(analyticsRollup, at('2026-03-06', '00:05:00'));
    expect((later as { days: string[] }).days).toEqual(['2026-03-03', '2026-03-04', '2026-03-05']);
    expect((await rows()).filter((row) => row.day === '2026-03-03')).toEqual([
      { day: '2026-03-03', event: 'app_opened', language: '', events: 1, users: 1 },
    ]);
    const backfill = await runJob(analyticsRollup, at('2026-03-06', '00:05:00'), { days: [day1] });
    expect((backfill as { days: string[] }).days).toEqual([day1]);
    expect((await rows()).filter((row) => row.day === day1)).toHaveLength(3);
  });
});

describe('leaderboard-reconcile', () => {
  it('repairs a ranking tampered with in the store, and leaves a correct one alone', async () => {
    const [a, b] = [await createUser(t), await createUser(t)];
    for (const [learner, amount] of [
      [a, 150],
      [b, 90],
    ] as const) {
      const outcome = await t.deps.db.transaction((tx) =>
        recordActivity(
          { db: tx },
          {
            userId: learner.user.id,
            at: new Date(),
            timeZone: 'UTC',
            language: 'es',
            xp: [{ amount, source: 'lesson', refId: 'reconcile-test' }],
            lessonsCompleted: 1,
          },
        ),
      );
      await applyRankingUpdate(t.deps, outcome.rankings);
    }
    const now = new Date();
    await runJob(leaderboardReconcile, now);
    const key = boardKey(t.deps, boardFor('xp', 'all', now));
    // What PostgreSQL holds (the lesson XP plus its bonuses), which the ranking agrees with.
    const truth = await t.deps.db
      .select({ userId: userStats.userId, xp: userStats.xpPoints })
      .from(userStats)
      .where(inArray(userStats.userId, [a.user.id, b.user.id]));
    const xpOf = (id: string) => truth.find((row) => row.userId === id)!.xp;
    const expected = [xpOf(a.user.id), xpOf(b.user.id)];
    expect(expected[0]).toBeGreaterThan(expected[1]!);
    expect(await t.deps.rankings.scores(key, [a.user.id, b.user.id])).toEqual(expected);

    await t.deps.rankings.setScores(key, [
      { member: b.user.id, score: 1_000_000 },
      { member: '00000000-0000-4000-8000-000000000001', score: 5 },
    ]);
    const result = (await runJob(leaderboardReconcile, now)) as { repaired: string[] };
    expect(result.repaired).toEqual([key]);
    expect(
      await t.deps.rankings.scores(key, [a.user.id, b.user.id, '00000000-0000-4000-8000-000000000001']),
    ).toEqual([...expected, null]);
    expect(((await runJob(leaderboardReconcile, now)) as { repaired: string[] }).repaired).toEqual([]);
  });
});

describe('streak-reminders', () => {
  // 18:30 UTC on 15 June: 20:30 in Paris (UTC+2), 19:30 in London (UTC+1).
  const now = new Date('2026-06-15T18:30:00Z');

  async function learner(timezone: string, streakDays: number, lastActiveDate: string | null) {
    const { user } = await createUser(t, { timezone });
    await t.deps.db
      .update(userStats)
      .set({ streakDays, lastActiveDate })
      .where(eq(userStats.userId, user.id));
    return user.id;
  }
  const remindersOf = (userIds: string[]) =>
    t.deps.db
      .select({ userId: userEvents.userId, data: userEvents.data })
      .from(userEvents)
      .where(and(inArray(userEvents.userId, userIds), eq(userEvents.type, 'streak_at_risk')));

  it('reminds at 20:xx local time those with a live streak not yet extended today, once a day', async () => {
    const atRisk = await learner('Europe/Paris', 5, '2026-06-14');
    const at1930 = await learner('Europe/London', 5, '2026-06-14');
    const activeToday = await learner('Europe/Paris', 6, '2026-06-15');
    const noStreak = await learner('Europe/Paris', 0, '2026-06-14');
    const everyone = [atRisk, at1930, activeToday, noStreak];

    await runJob(streakReminders, now);
    await runJob(streakReminders, now);
    await runJob(streakReminders, new Date('2026-06-15T18:55:00Z'));
    expect(await remindersOf(everyone)).toEqual([
      { userId: atRisk, data: { streakDays: 5, localDate: '2026-06-15' } },
    ]);

    // London's 20:00 comes an hour later: now it is that learner's turn, and Paris is not reminded again.
    await runJob(streakReminders, new Date('2026-06-15T19:05:00Z'));
    expect((await remindersOf(everyone)).map((row) => row.userId).sort()).toEqual([atRisk, at1930].sort());

    // The next day counts anew.
    await t.deps.db
      .update(userStats)
      .set({ lastActiveDate: '2026-06-15', streakDays: 6 })
      .where(eq(userStats.userId, atRisk));
    await runJob(streakReminders, new Date('2026-06-16T18:10:00Z'));
    expect((await remindersOf([atRisk])).map((row) => row.data)).toEqual([
      { streakDays: 5, localDate: '2026-06-15' },
      { streakDays: 6, localDate: '2026-06-16' },
    ]);
  });
});

describe('srs-reminders', () => {
  // 07:15 UTC: 09:15 in Paris, 16:15 in Tokyo.
  const now = new Date('2026-06-20T07:15:00Z');

  async function learnerWithCards(timezone: string, dueAt: Date[]) {
    const { user } = await createUser(t, { timezone });
    if (dueAt.length > 0)
      await t.deps.db.insert(srsCards).values(
        dueAt.map((due, index) => ({
          userId: user.id,
          itemKind: 'vocabulary' as const,
          itemRef: `w-${index}`,
          dueAt: due,
        })),
      );
    return user.id;
  }
  const remindersOf = (userIds: string[]) =>
    t.deps.db
      .select({ userId: userEvents.userId, data: userEvents.data })
      .from(userEvents)
      .where(and(inArray(userEvents.userId, userIds), eq(userEvents.type, 'srs_due')));

  it('tells learners at 09:xx local time how many cards are due, once per local day', async () => {
    const past = new Date('2026-06-19T12:00:00Z');
    const future = new Date('2026-06-25T12:00:00Z');
    const due = await learnerWithCards('Europe/Paris', [past, past, past, future]);
    const nothingDue = await learnerWithCards('Europe/Paris', [future]);
    const tokyo = await learnerWithCards('Asia/Tokyo', [past]);

    await runJob(srsReminders, now);
    await runJob(srsReminders, new Date('2026-06-20T07:45:00Z'));
    expect(await remindersOf([due, nothingDue, tokyo])).toEqual([
      { userId: due, data: { due: 3, localDate: '2026-06-20' } },
    ]);
  });
});
