import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { course, insertAttempt, insertEvent, localDayAt } from '../../../test/analytics-data.js';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { trpcCall } from '../../../test/trpc-call.js';

/** `analytics.generateReport` from known activity: this period against the one before, in figures and words. */

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const timeZone = 'Asia/Tokyo';
const at = (daysAgo: number, minutes = 0) => localDayAt(timeZone, daysAgo, minutes);

/** Two weeks of Spanish, some French, and another user's activity on the same days. */
async function learnerWithTwoWeeks() {
  const alice = await createUser(t, { timezone: timeZone });
  const id = alice.user.id;
  await insertEvent(
    t,
    id,
    'lesson_completed',
    { lessonId: 'g1', accuracy: 80, xp: 20, topic: 'grammar', durationSeconds: 300 },
    at(0),
  );
  await insertAttempt(t, id, { lessonId: 'es-past-tense', score: 90, xp: 30, seconds: 600, at: at(1, 10) });
  await insertEvent(
    t,
    id,
    'practice_session',
    { duration: 20, topic: 'vocabulary', accuracy: 50 },
    at(2, 600),
  );
  // The week before.
  await insertEvent(
    t,
    id,
    'lesson_completed',
    { lessonId: 'g0', accuracy: 60, xp: 10, topic: 'grammar' },
    at(8, 600),
  );
  await insertEvent(t, id, 'practice_session', { duration: 5, accuracy: 70 }, at(9, 600));
  // Not Spanish, not Alice's.
  await insertEvent(
    t,
    id,
    'lesson_completed',
    { lessonId: 'f', accuracy: 0, xp: 999, language: 'fr' },
    at(0),
  );
  await insertEvent(
    t,
    id,
    'practice_session',
    { duration: 0, topic: 'listening', accuracy: 95, language: 'fr' },
    at(0),
  );
  const bob = await createUser(t, { timezone: timeZone });
  await insertEvent(
    t,
    bob.user.id,
    'lesson_completed',
    { lessonId: 'b', accuracy: 0, xp: 999, topic: 'grammar' },
    at(0),
  );
  return alice;
}

describe('analytics.generateReport', () => {
  it('reports the week against the week before, with strengths, weak areas, advice and goals', async () => {
    const alice = await learnerWithTwoWeeks();
    const before = Date.now();
    const report = await alice.client.analytics.generateReport.mutate({ language: 'es', timeframe: 'week' });
    const courseLessons = await course(t, 'es');
    const food = courseLessons.find((lesson) => lesson.type === 'vocabulary')!;
    expect(report).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      userId: alice.user.id,
      language: 'es',
      timeframe: 'week',
      generatedAt: expect.any(String),
      summary: {
        lessonsCompleted: 2,
        // 5 and 10 minutes of lessons, 20 of practice.
        timeSpent: 35,
        // (80 + 90 + 50) / 3 this week against (60 + 70) / 2 the week before.
        accuracyImprovement: 8,
        streakDays: 3,
        xpEarned: 50,
      },
      strengths: ['Grammar: 85% accuracy over 2 lessons'],
      areasForImprovement: ['Vocabulary: 50% accuracy, below 70%'],
      recommendations: [
        `Focus on Vocabulary: Your vocabulary accuracy is 50% over the last 30 days. "${food.title}" works on it.`,
        `Next lesson: ${courseLessons[0]!.title}: You have completed 1 of the course's ${courseLessons.length} lessons.`,
      ],
      nextGoals: [
        'Complete 3 lessons next week',
        'Reach a 4-day streak',
        'Raise vocabulary accuracy from 50% to 70%',
      ],
    });
    expect(Date.parse(report.generatedAt)).toBeGreaterThanOrEqual(before - 1);
  });

  it('reports the month, with nothing before it to compare with', async () => {
    const alice = await learnerWithTwoWeeks();
    const report = await alice.client.analytics.generateReport.mutate({ language: 'es', timeframe: 'month' });
    expect(report.summary).toEqual({
      lessonsCompleted: 3,
      timeSpent: 40,
      accuracyImprovement: 0,
      streakDays: 3,
      xpEarned: 60,
    });
    expect(report.nextGoals[0]).toBe('Complete 4 lessons next month');
  });

  it('reports a French month from French activity only', async () => {
    const alice = await learnerWithTwoWeeks();
    const report = await alice.client.analytics.generateReport.mutate({ language: 'fr', timeframe: 'month' });
    expect(report.summary).toEqual({
      lessonsCompleted: 1,
      timeSpent: 0,
      accuracyImprovement: 0,
      streakDays: 1,
      xpEarned: 999,
    });
    expect(report.strengths).toEqual(['Listening: 95% accuracy in practice']);
  });

  it('refuses a timeframe other than week or month with 400', async () => {
    const alice = await createUser(t);
    const answer = await trpcCall(
      t,
      'analytics.generateReport',
      { language: 'es', timeframe: 'year' },
      { headers: { authorization: alice.authorization } },
    );
    expect(answer.status).toBe(400);
    expect(answer.codes).toEqual(['VALIDATION_ERROR']);
  });
});
