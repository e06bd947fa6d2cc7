import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAttempt, insertEvent, localDayAt } from '../../../test/analytics-data.js';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { addDays, localDate } from '../users/local-date.js';

/**
 * `analytics.getLearningAnalytics` from known activity: exact figures, the caller's data only, the
 * language asked for, and days that start at the caller's own midnight.
 */

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const today = (timeZone: string) => localDate(timeZone, new Date());

/** A week of activity: lessons reported by the app and scored by the server, practice, another user's. */
async function learnerWithAWeek(timeZone: string) {
  const alice = await createUser(t, { timezone: timeZone });
  const id = alice.user.id;
  const at = (daysAgo: number, minutes = 0) => localDayAt(timeZone, daysAgo, minutes);
  await insertEvent(
    t,
    id,
    'lesson_completed',
    { lessonId: 'l-1', accuracy: 80, xp: 20, topic: 'grammar', durationSeconds: 600 },
    at(0),
  );
  // Scored by the server late yesterday; the app reporting the same lesson two minutes later is no second one.
  await insertAttempt(t, id, {
    lessonId: 'es-past-tense',
    score: 90,
    xp: 30,
    seconds: 300,
    at: at(1, 23 * 60),
  });
  await insertEvent(
    t,
    id,
    'lesson_completed',
    { lessonId: 'es-past-tense', accuracy: 90, xp: 30 },
    at(1, 23 * 60 + 2),
  );
  await insertEvent(
    t,
    id,
    'lesson_completed',
    { lessonId: 'l-2', accuracy: 60, xp: 10, topic: 'vocabulary' },
    at(1, 600),
  );
  await insertEvent(
    t,
    id,
    'practice_session',
    { duration: 15, topic: 'vocabulary', accuracy: 70 },
    at(1, 700),
  );
  await insertEvent(t, id, 'practice_session', { duration: 10.5 }, at(2, 600));
  await insertEvent(t, id, 'app_opened', {}, at(3, 600));
  await insertEvent(
    t,
    id,
    'lesson_completed',
    { lessonId: 'l-3', accuracy: 100, xp: 50, topic: 'grammar' },
    at(10, 600),
  );
  // Someone else, same days and topics: never counted.
  const bob = await createUser(t, { timezone: timeZone });
  for (const daysAgo of [0, 1, 2])
    await insertEvent(
      t,
      bob.user.id,
      'lesson_completed',
      { lessonId: 'l-1', accuracy: 10, xp: 500, topic: 'grammar' },
      at(daysAgo),
    );
  await insertEvent(t, bob.user.id, 'practice_session', { duration: 600 }, at(0));
  return { alice, at };
}

describe('analytics.getLearningAnalytics', () => {
  it('computes the week from the caller’s lessons, attempts and practice, exactly', async () => {
    const { alice, at } = await learnerWithAWeek('UTC');
    const week = await alice.client.analytics.getLearningAnalytics.query({ timeframe: 'week' });
    const day = (daysAgo: number) => addDays(today('UTC'), -daysAgo);
    expect(week).toEqual({
      totalLessons: 3,
      totalPracticeTime: 25.5,
      streakDays: 3,
      // Lessons 80, 90 (the attempt) and 60, practice 70; the practice without accuracy counts for none.
      averageAccuracy: 75,
      dailyActivity: [6, 5, 4, 3, 2, 1, 0].map((daysAgo) => ({
        date: day(daysAgo),
        lessons: { 0: 1, 1: 2 }[daysAgo] ?? 0,
        practiceTime: { 1: 15, 2: 10.5 }[daysAgo] ?? 0,
        xpEarned: { 0: 20, 1: 40 }[daysAgo] ?? 0,
      })),
      topicProgress: [
        { topic: 'grammar', lessonsCompleted: 2, averageAccuracy: 85, progress: 20 },
        { topic: 'vocabulary', lessonsCompleted: 1, averageAccuracy: 65, progress: 10 },
      ],
      achievements: [
        {
          id: 'first_lesson',
          title: 'First Steps',
          description: 'Complete your first lesson.',
          icon: '👣',
          unlockedAt: at(10, 600).toISOString(),
        },
      ],
    });
  });

  it('widens to the month and the year, one entry per day', async () => {
    const { alice } = await learnerWithAWeek('UTC');
    await insertEvent(
      t,
      alice.user.id,
      'lesson_completed',
      { lessonId: 'old', accuracy: 50, xp: 5 },
      localDayAt('UTC', 200),
    );
    await insertEvent(
      t,
      alice.user.id,
      'practice_session',
      { duration: 3, topic: 'speaking' },
      localDayAt('UTC', 20),
    );
    const month = await alice.client.analytics.getLearningAnalytics.query({ timeframe: 'month' });
    expect(month.totalLessons).toBe(4);
    expect(month.totalPracticeTime).toBe(28.5);
    expect(month.topicProgress).toEqual([
      { topic: 'grammar', lessonsCompleted: 3, averageAccuracy: 90, progress: 30 },
      { topic: 'vocabulary', lessonsCompleted: 1, averageAccuracy: 65, progress: 10 },
      { topic: 'speaking', lessonsCompleted: 0, averageAccuracy: 0, progress: 0 },
    ]);
    expect(month.dailyActivity).toHaveLength(30);
    expect(month.dailyActivity.at(-1)!.date).toBe(today('UTC'));
    expect(month.dailyActivity[0]!.date).toBe(addDays(today('UTC'), -29));
    const year = await alice.client.analytics.getLearningAnalytics.query({ timeframe: 'year' });
    expect(year.totalLessons).toBe(5);
    expect(year.dailyActivity).toHaveLength(365);
    expect(year.averageAccuracy).toBe(Math.round((80 + 90 + 60 + 70 + 100 + 50) / 6));
  });

  it('answers zeros, not invented figures, for a user without activity', async () => {
    const carol = await createUser(t);
    const week = await carol.client.analytics.getLearningAnalytics.query({ timeframe: 'week' });
    expect(week).toMatchObject({
      totalLessons: 0,
      totalPracticeTime: 0,
      streakDays: 0,
      averageAccuracy: 0,
      topicProgress: [],
      achievements: [],
    });
    expect(week.dailyActivity.every((day) => day.lessons + day.practiceTime + day.xpEarned === 0)).toBe(true);
  });

  it('counts days from the caller’s own midnight', async () => {
    const timeZone = 'America/Los_Angeles';
    const alice = await createUser(t, { timezone: timeZone });
    const midnight = localDayAt(timeZone, 0);
    await insertEvent(t, alice.user.id, 'lesson_completed', { lessonId: 'a', accuracy: 50, xp: 1 }, midnight);
    await insertEvent(
      t,
      alice.user.id,
      'lesson_completed',
      { lessonId: 'b', accuracy: 50, xp: 2 },
      new Date(midnight.getTime() - 1),
    );
    // The same two instants fall on one UTC date (midnight in Los Angeles is 07:00 or 08:00 UTC).
    expect(localDate('UTC', midnight)).toBe(localDate('UTC', new Date(midnight.getTime() - 1)));
    const week = await alice.client.analytics.getLearningAnalytics.query({ timeframe: 'week' });
    expect(week.dailyActivity.slice(-2)).toEqual([
      { date: addDays(today(timeZone), -1), lessons: 1, practiceTime: 0, xpEarned: 2 },
      { date: today(timeZone), lessons: 1, practiceTime: 0, xpEarned: 1 },
    ]);
    expect(week.streakDays).toBe(2);

    // A day far east of UTC: the week ends on the caller's today, which may be tomorrow in UTC.
    const kiri = await createUser(t, { timezone: 'Pacific/Kiritimati' });
    const kiriWeek = await kiri.client.analytics.getLearningAnalytics.query({ timeframe: 'week' });
    expect(kiriWeek.dailyActivity.at(-1)!.date).toBe(today('Pacific/Kiritimati'));
  });

  it('keeps a streak alive through today until the day ends, and breaks it on a day without activity', async () => {
    const timeZone = 'Asia/Tokyo';
    const alice = await createUser(t, { timezone: timeZone });
    for (const daysAgo of [1, 2, 3, 5])
      await insertEvent(
        t,
        alice.user.id,
        'practice_session',
        { duration: 5 },
        localDayAt(timeZone, daysAgo, 60),
      );
    const week = await alice.client.analytics.getLearningAnalytics.query({ timeframe: 'week' });
    expect(week.streakDays).toBe(3);
    // Opening the app is no practice: it extends nothing.
    await insertEvent(t, alice.user.id, 'app_opened', {}, localDayAt(timeZone, 4, 60));
    expect((await alice.client.analytics.getLearningAnalytics.query({ timeframe: 'week' })).streakDays).toBe(
      3,
    );
  });

  it('honours the language: events naming none count for the language being learnt', async () => {
    const alice = await createUser(t);
    const at = localDayAt('UTC', 1, 60);
    await insertEvent(
      t,
      alice.user.id,
      'lesson_completed',
      { lessonId: 'f', accuracy: 40, xp: 7, language: 'fr' },
      at,
    );
    await insertEvent(
      t,
      alice.user.id,
      'lesson_completed',
      { lessonId: 'e', accuracy: 90, xp: 3, language: 'ES' },
      at,
    );
    await insertEvent(t, alice.user.id, 'lesson_completed', { lessonId: 'u', accuracy: 80, xp: 1 }, at);
    await insertAttempt(t, alice.user.id, { lessonId: 'fr-greetings', score: 60, xp: 11, seconds: 60, at });
    const fr = await alice.client.analytics.getLearningAnalytics.query({ timeframe: 'week', language: 'fr' });
    expect([fr.totalLessons, fr.averageAccuracy, fr.dailyActivity.at(-2)!.xpEarned]).toEqual([2, 50, 18]);
    const es = await alice.client.analytics.getLearningAnalytics.query({ timeframe: 'week', language: 'es' });
    expect([es.totalLessons, es.averageAccuracy, es.dailyActivity.at(-2)!.xpEarned]).toEqual([2, 85, 4]);
    const all = await alice.client.analytics.getLearningAnalytics.query({ timeframe: 'week' });
    expect(all.totalLessons).toBe(4);

    await alice.client.user.update.mutate({ selectedLanguage: 'fr' });
    const frNow = await alice.client.analytics.getLearningAnalytics.query({
      timeframe: 'week',
      language: 'fr',
    });
    expect(frNow.totalLessons).toBe(3);
  });

  it('unlocks catalogue achievements from recorded unlocks, reported ones, lesson counts and streaks', async () => {
    const alice = await createUser(t);
    const id = alice.user.id;
    const at = (daysAgo: number, minutes: number) => localDayAt('UTC', daysAgo, minutes);
    for (let daysAgo = 7; daysAgo >= 1; daysAgo--) {
      await insertEvent(
        t,
        id,
        'lesson_completed',
        { lessonId: `a${daysAgo}`, accuracy: 70, xp: 1 },
        at(daysAgo, 60),
      );
      await insertEvent(
        t,
        id,
        'lesson_completed',
        { lessonId: `b${daysAgo}`, accuracy: 70, xp: 1 },
        at(daysAgo, 120),
      );
    }
    await insertEvent(t, id, 'achievement_unlocked', { achievementId: 'chat_10_conversations' }, at(3, 5));
    await insertEvent(t, id, 'achievement_unlocked', { achievementId: 'not_in_the_catalogue' }, at(3, 5));
    // Recorded unlocks count from when they were recorded, unless the activity met them earlier.
    await t.deps.db.execute(
      sql`insert into user_achievements (user_id, achievement_id, progress, max_progress, unlocked_at)
        values (${id}, 'xp_1000', 1000, 1000, ${at(20, 0).toISOString()}::timestamptz),
               (${id}, 'xp_10000', 5, 10000, null),
               (${id}, 'first_lesson', 1, 1, ${at(1, 0).toISOString()}::timestamptz)`,
    );
    const { achievements } = await alice.client.analytics.getLearningAnalytics.query({ timeframe: 'week' });
    expect(achievements.map((achievement) => [achievement.id, achievement.unlockedAt])).toEqual([
      ['xp_1000', at(20, 0).toISOString()],
      ['first_lesson', at(7, 60).toISOString()],
      ['chat_10_conversations', at(3, 5).toISOString()],
      // The tenth lesson: the second of five days ago.
      ['lessons_10_completed', at(3, 120).toISOString()],
      // The seventh day of the streak, from its first activity.
      ['streak_7_days', at(1, 60).toISOString()],
    ]);
    const bob = await createUser(t);
    expect(
      (await bob.client.analytics.getLearningAnalytics.query({ timeframe: 'week' })).achievements,
    ).toEqual([]);
  });

  it('answers 404 to a caller whose account is gone', async () => {
    const alice = await createUser(t);
    await t.deps.db.execute(sql`delete from users where id = ${alice.user.id}`);
    const answer = await trpcCall(
      t,
      'analytics.getLearningAnalytics',
      { timeframe: 'week' },
      { headers: { authorization: alice.authorization } },
    );
    expect(answer.status).toBe(404);
    expect(answer.codes).toEqual(['NOT_FOUND']);
  });

  it('refuses a timeframe or language outside the contract with 400', async () => {
    const alice = await createUser(t);
    for (const input of [{ timeframe: 'decade' }, { timeframe: 'week', language: 'english!' }]) {
      const answer = await trpcCall(t, 'analytics.getLearningAnalytics', input, {
        headers: { authorization: alice.authorization },
      });
      expect(answer.status).toBe(400);
      expect(answer.codes).toEqual(['VALIDATION_ERROR']);
    }
  });
});
