import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { course, insertAttempt, insertEvent, localDayAt } from '../../../test/analytics-data.js';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { trpcCall } from '../../../test/trpc-call.js';

/** `analytics.getRecommendations` from known activity: what it recommends, why, and from whose data. */

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('analytics.getRecommendations', () => {
  it('starts a newcomer on the course, with insights drawn from nothing but their profile', async () => {
    const carol = await createUser(t);
    const [first] = await course(t, 'es');
    const answer = await carol.client.analytics.getRecommendations.query({ language: 'es', limit: 5 });
    expect(answer).toEqual({
      recommendations: [
        {
          id: `next-${first!.id}`,
          type: 'lesson',
          title: `Next lesson: ${first!.title}`,
          description: `You have completed 0 of the course's ${(await course(t, 'es')).length} lessons.`,
          priority: 'medium',
          estimatedTime: first!.estimatedTimeMin,
          xpReward: first!.xpReward,
          topic: first!.type,
          lessonId: first!.id,
        },
      ],
      insights: {
        weakAreas: [],
        preferredTimes: [],
        suggestedDifficulty: 'beginner',
        nextMilestone: '1 more lesson to unlock First Steps',
      },
    });
    await carol.client.user.update.mutate({ proficiencyLevel: 'advanced' });
    const advanced = await carol.client.analytics.getRecommendations.query({ language: 'es', limit: 5 });
    expect(advanced.insights.suggestedDifficulty).toBe('advanced');
  });

  it('recommends for weak topics first, then the course, then reviews, from the caller’s data only', async () => {
    const timeZone = 'Asia/Tokyo';
    const alice = await createUser(t, { timezone: timeZone });
    const id = alice.user.id;
    const at = (daysAgo: number, hour: number, minute = 0) =>
      localDayAt(timeZone, daysAgo, hour * 60 + minute);
    // Grammar scored at 50 at advanced level; vocabulary done well twelve days ago; listening practised badly.
    await insertAttempt(t, id, { lessonId: 'es-past-tense', score: 50, xp: 10, seconds: 600, at: at(2, 19) });
    await insertEvent(
      t,
      id,
      'lesson_completed',
      { lessonId: 'v1', accuracy: 90, xp: 5, topic: 'vocabulary' },
      at(12, 8),
    );
    await insertEvent(
      t,
      id,
      'practice_session',
      { duration: 10, topic: 'listening', accuracy: 40 },
      at(1, 19, 30),
    );
    await insertEvent(t, id, 'app_opened', {}, at(3, 8, 15));
    await insertEvent(t, id, 'app_opened', {}, at(3, 19, 45));
    await insertEvent(t, id, 'app_opened', {}, at(4, 12));
    // Another language and another user: weak topics of their own, never recommended here.
    await insertEvent(
      t,
      id,
      'practice_session',
      { duration: 10, topic: 'numbers', accuracy: 5, language: 'fr' },
      at(1, 3),
    );
    const bob = await createUser(t, { timezone: timeZone });
    await insertEvent(
      t,
      bob.user.id,
      'practice_session',
      { duration: 10, topic: 'culture', accuracy: 1 },
      at(1, 3),
    );

    const courseLessons = await course(t, 'es');
    const subjunctive = courseLessons.find((lesson) => lesson.id === 'es-subjunctive')!;
    const first = courseLessons[0]!;
    const idleDays = Math.floor((Date.now() - at(12, 8).getTime()) / 86_400_000);
    const answer = await alice.client.analytics.getRecommendations.query({ language: 'es', limit: 10 });
    expect(answer.recommendations).toEqual([
      {
        id: 'focus-listening',
        type: 'practice',
        title: 'Practise Listening',
        description:
          'Your listening accuracy is 40% over the last 30 days. A session of your daily 15 minutes on it will help.',
        priority: 'high',
        estimatedTime: 15,
        xpReward: 0,
        topic: 'listening',
        lessonId: null,
      },
      {
        id: 'focus-grammar',
        type: 'lesson',
        title: 'Focus on Grammar',
        description: `Your grammar accuracy is 50% over the last 30 days. "${subjunctive.title}" works on it.`,
        priority: 'high',
        estimatedTime: subjunctive.estimatedTimeMin,
        xpReward: subjunctive.xpReward,
        topic: 'grammar',
        lessonId: 'es-subjunctive',
      },
      {
        id: `next-${first.id}`,
        type: 'lesson',
        title: `Next lesson: ${first.title}`,
        description: `You have completed 1 of the course's ${courseLessons.length} lessons.`,
        priority: 'medium',
        estimatedTime: first.estimatedTimeMin,
        xpReward: first.xpReward,
        topic: first.type,
        lessonId: first.id,
      },
      {
        id: 'review-vocabulary',
        type: 'review',
        title: 'Review Vocabulary',
        description: `You last practised vocabulary ${idleDays} days ago.`,
        priority: 'low',
        estimatedTime: 15,
        xpReward: 0,
        topic: 'vocabulary',
        lessonId: null,
      },
    ]);
    expect(answer.insights).toEqual({
      weakAreas: ['listening', 'grammar'],
      // Tokyo hours: 19:00, 19:30 and 19:45; 08:00 and 08:15; 12:00.
      preferredTimes: [19, 8, 12],
      // 50% at advanced is at or below its target (90) less 12: one level down.
      suggestedDifficulty: 'intermediate',
      // Two lessons done (8 to go for ten); a two-day streak (5 to go for seven).
      nextMilestone: '5 more days in a row to unlock On Fire',
    });

    const two = await alice.client.analytics.getRecommendations.query({ language: 'es', limit: 2 });
    expect(two.recommendations.map((recommendation) => recommendation.id)).toEqual([
      'focus-listening',
      'focus-grammar',
    ]);
    const french = await alice.client.analytics.getRecommendations.query({ language: 'fr', limit: 10 });
    expect(french.insights.weakAreas).toEqual(['numbers']);
    expect(french.insights.preferredTimes).toEqual([3]);
  });

  it('refuses a limit outside 1–10 and a missing or malformed language with 400', async () => {
    const alice = await createUser(t);
    for (const input of [
      { language: 'es', limit: 0 },
      { language: 'es', limit: 11 },
      { limit: 5 },
      { language: 'spanish language', limit: 5 },
    ]) {
      const answer = await trpcCall(t, 'analytics.getRecommendations', input, {
        headers: { authorization: alice.authorization },
      });
      expect(answer.status, JSON.stringify(input)).toBe(400);
    }
  });
});
