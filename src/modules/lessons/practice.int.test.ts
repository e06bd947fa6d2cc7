import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/factories.js';
import { createTestApp, type TestApp, unique } from '../../../test/harness.js';
import { queryRows } from '../../db/client.js';
import { entitlements, exercises, lessons, userStats, xpEvents } from '../../db/schema/index.js';
import { localDate } from '../users/local-date.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Client = TestUser['client'];

/** Answers to the exercises a learner is asked in a lesson, right except the first `wrong` ones. */
async function answersFor(client: Client, lessonId: string, wrong = 0) {
  const { exercises: asked } = await client.lessons.getExercises.query({ lessonId });
  const truth = await t.deps.db
    .select({ id: exercises.id, correctAnswer: exercises.correctAnswer })
    .from(exercises)
    .where(eq(exercises.lessonId, lessonId));
  const answerOf = new Map(truth.map((row) => [row.id, row.correctAnswer]));
  return asked.map((exercise, index) => ({
    exerciseId: exercise.id,
    answer: index < wrong ? 'definitely not it' : answerOf.get(exercise.id)!,
  }));
}

async function complete(client: Client, lessonId: string) {
  return client.lessons.submit.mutate({
    lessonId,
    answers: await answersFor(client, lessonId),
    timeSpent: 240,
  });
}

async function ledger(userId: string) {
  return t.deps.db.select().from(xpEvents).where(eq(xpEvents.userId, userId));
}

async function storedXp(userId: string) {
  const [row] = await t.deps.db
    .select({ xp: userStats.xpPoints })
    .from(userStats)
    .where(eq(userStats.userId, userId));
  return row!.xp;
}

async function lessonRow(id: string) {
  const [row] = await t.deps.db.select().from(lessons).where(eq(lessons.id, id));
  return row!;
}

describe('lessons.getExercises', () => {
  it('asks a beginner for six exercises from every sub-module, without their answers', async () => {
    const { client } = await createUser(t);
    const set = await client.lessons.getExercises.query({ lessonId: 'basic-greetings' });
    expect(set).toMatchObject({ lessonId: 'basic-greetings', boost: 0, difficulty: 'beginner' });
    expect(set.exercises).toHaveLength(6);
    expect(JSON.stringify(set)).not.toContain('correctAnswer');
    const covered = await queryRows<{ sub_module_id: string }>(
      t.deps.db,
      sql`select distinct c.sub_module_id from exercises e join content_items c on c.id = e.content_item_id
          where e.id in ${sql.raw(`('${set.exercises.map((exercise) => exercise.id).join("','")}')`)}`,
    );
    const subModules = await queryRows<{ count: number }>(
      t.deps.db,
      sql`select count(*)::int as count from lesson_sub_modules where lesson_id = 'basic-greetings'`,
    );
    expect(covered).toHaveLength(subModules[0]!.count);
  });

  it('refuses an unknown lesson with NOT_FOUND', async () => {
    const { client } = await createUser(t);
    await expect(client.lessons.getExercises.query({ lessonId: 'no-such-lesson' })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
  });
});

describe('lessons.submit', () => {
  it('scores on the server, pays the ledger and the profile alike, and completes the lesson', async () => {
    const { user, client } = await createUser(t);
    const lesson = await lessonRow('basic-greetings');
    const result = await complete(client, 'basic-greetings');
    expect(result).toMatchObject({ score: 100, correctCount: 6, total: 6, replayed: false, streakDays: 1 });
    expect(result.results.every((answer) => answer.correct)).toBe(true);
    const entries = await ledger(user.id);
    expect(entries.find((entry) => entry.source === 'lesson')?.amount).toBe(
      5 * 6 + lesson.xpReward + lesson.perfectBonus,
    );
    expect(result.xpEarned).toBe(entries.reduce((sum, entry) => sum + entry.amount, 0));
    expect(await storedXp(user.id)).toBe(result.xpEarned);
    expect(result.unlocked.achievements.map((achievement) => achievement.id)).toEqual(
      expect.arrayContaining(['first_lesson', 'perfect_lesson']),
    );
    const module = result.progress.modules.find((entry) => entry.moduleId === 'basic-greetings');
    expect(module).toMatchObject({ progress: 100, accuracy: 100, masteryLevel: 'mastered' });
    expect(result.progress).toMatchObject({ language: 'es', streakDays: 1 });
  });

  it('counts wrong answers against the score and pays less', async () => {
    const { user, client } = await createUser(t);
    const result = await client.lessons.submit.mutate({
      lessonId: 'numbers-1-10',
      answers: await answersFor(client, 'numbers-1-10', 3),
    });
    expect(result).toMatchObject({ score: 50, correctCount: 3 });
    expect(result.results.slice(0, 3).map((answer) => answer.correct)).toEqual([false, false, false]);
    expect(result.progress.modules.find((entry) => entry.moduleId === 'numbers-1-10')?.progress).toBeLessThan(
      100,
    );
    const lesson = await lessonRow('numbers-1-10');
    expect((await ledger(user.id)).find((entry) => entry.source === 'lesson')?.amount).toBe(
      5 * 3 + Math.round(lesson.xpReward / 2),
    );
  });

  it('gives every word answered right a spaced-repetition card, counted once as a word learned', async () => {
    const { user, client } = await createUser(t);
    const itemsOf = async (answers: { exerciseId: string }[]) => {
      const rows = await t.deps.db
        .select({ id: exercises.id, item: exercises.contentItemId })
        .from(exercises)
        .where(eq(exercises.lessonId, 'numbers-1-10'));
      const itemOf = new Map(rows.map((row) => [row.id, row.item]));
      return new Set(answers.flatMap((answer) => itemOf.get(answer.exerciseId) ?? []));
    };
    const wordsLearned = async () => {
      const [row] = await t.deps.db
        .select({ words: userStats.wordsLearned })
        .from(userStats)
        .where(eq(userStats.userId, user.id));
      return row!.words;
    };
    const firstTry = await answersFor(client, 'numbers-1-10', 3);
    await client.lessons.submit.mutate({ lessonId: 'numbers-1-10', answers: firstTry });
    const rightFirst = await itemsOf(firstTry.slice(3));
    expect(rightFirst.size).toBeGreaterThan(0);
    expect(await wordsLearned()).toBe(rightFirst.size);
    const due = await client.srs.getDue.query({ limit: 100 });
    expect(new Set(due.cards.map((card) => card.itemId))).toEqual(rightFirst);

    const secondTry = await answersFor(client, 'numbers-1-10');
    await client.lessons.submit.mutate({ lessonId: 'numbers-1-10', answers: secondTry });
    expect(await wordsLearned()).toBe(new Set([...rightFirst, ...(await itemsOf(secondTry))]).size);
  });

  it('caps the XP of answers the client scored itself (the contract’s legacy shape)', async () => {
    const { user, client } = await createUser(t);
    const result = await client.lessons.submit.mutate({
      lessonId: 'alphabet-basics',
      answers: Array.from({ length: 10 }, (_, index) => ({ id: `q${index}`, correct: true })),
    });
    expect(result.score).toBe(100);
    expect((await ledger(user.id)).find((entry) => entry.source === 'lesson')?.amount).toBe(20);
  });

  it('refuses answers that are not the lesson’s exercises, or too few of them', async () => {
    const { client } = await createUser(t);
    const answers = await answersFor(client, 'basic-greetings');
    await expect(
      client.lessons.submit.mutate({
        lessonId: 'basic-greetings',
        answers: [{ exerciseId: '00000000-0000-4000-8000-000000000000', answer: 'x' }, ...answers.slice(1)],
      }),
    ).rejects.toMatchObject({
      data: { errorCode: 'VALIDATION_ERROR', issues: [{ path: 'answers.0.exerciseId' }] },
    });
    await expect(
      client.lessons.submit.mutate({ lessonId: 'basic-greetings', answers: answers.slice(0, 2) }),
    ).rejects.toMatchObject({
      data: { errorCode: 'VALIDATION_ERROR', issues: [{ code: 'ANSWERS_MISSING' }] },
    });
    await expect(client.lessons.submit.mutate({ lessonId: 'nope', answers })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
  });

  it('answers a retried submission with its first result and pays nothing again', async () => {
    const { user, client } = await createUser(t);
    const submission = {
      lessonId: 'basic-greetings',
      answers: await answersFor(client, 'basic-greetings'),
      idempotencyKey: unique('submit'),
    };
    const first = await client.lessons.submit.mutate(submission);
    const paid = await ledger(user.id);
    const again = await client.lessons.submit.mutate(submission);
    expect(again).toMatchObject({ replayed: true, score: first.score });
    expect(await ledger(user.id)).toHaveLength(paid.length);
    expect(await storedXp(user.id)).toBe(first.xpEarned);
  });

  it('never loses or doubles XP under 20 concurrent submissions of one learner', async () => {
    const { user, client } = await createUser(t);
    // Different lessons and half-right answers (no lesson or challenge completes), so that nothing but the
    // learner's own lock orders the submissions.
    const lessonIds = ['alphabet-basics', 'numbers-1-10', 'basic-greetings', 'fr-alphabet-sounds'];
    const answers = await Promise.all(lessonIds.map((lessonId) => answersFor(client, lessonId, 3)));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        client.lessons.submit.mutate({ lessonId: lessonIds[index % 4]!, answers: answers[index % 4]! }),
      ),
    );
    expect(results.every((result) => result.score === 50)).toBe(true);
    const entries = await ledger(user.id);
    expect(await storedXp(user.id)).toBe(entries.reduce((sum, entry) => sum + entry.amount, 0));
    expect(entries.filter((entry) => entry.source === 'lesson')).toHaveLength(20);
    const [attempts] = await queryRows<{ count: number }>(
      t.deps.db,
      sql`select count(*)::int as count from lesson_attempts where user_id = ${user.id}`,
    );
    expect(attempts!.count).toBe(20);
  });
});

describe('the lesson locking rule and the boost (§7.4)', () => {
  it('keeps a lesson above beginner locked until the one before it is completed', async () => {
    const { client } = await createUser(t);
    await expect(client.lessons.getExercises.query({ lessonId: 'es-food-restaurant' })).rejects.toMatchObject(
      {
        data: { code: 'FORBIDDEN' },
      },
    );
    await expect(
      client.lessons.submit.mutate({ lessonId: 'es-food-restaurant', answers: [{ id: 'a', correct: true }] }),
    ).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    await complete(client, 'basic-greetings');
    expect(
      (await client.lessons.getExercises.query({ lessonId: 'es-food-restaurant' })).exercises,
    ).toHaveLength(10);
  });

  it('opens every lesson to a premium learner', async () => {
    const { user, client } = await createUser(t);
    await t.deps.db
      .insert(entitlements)
      .values({ userId: user.id, entitlement: 'premium', source: 'admin', productId: null, expiresAt: null });
    expect(
      (await client.lessons.getExercises.query({ lessonId: 'es-subjunctive' })).exercises.length,
    ).toBeGreaterThan(0);
  });

  it('asks for three more exercises after five completed lessons', async () => {
    const { client } = await createUser(t);
    for (const lessonId of [
      'alphabet-basics',
      'numbers-1-10',
      'basic-greetings',
      'fr-alphabet-sounds',
      'fr-numbers',
    ]) {
      expect((await complete(client, lessonId)).score).toBe(100);
    }
    const set = await client.lessons.getExercises.query({ lessonId: 'fr-greetings' });
    expect(set.boost).toBe(1);
    expect(set.exercises).toHaveLength(9);
    const recommended = await client.lessons.getRecommended.query({ language: 'es', limit: 10 });
    expect(recommended.map((lesson) => lesson.id)).not.toContain('basic-greetings');
    expect(recommended.find((lesson) => lesson.id === 'es-food-restaurant')?.isLocked).toBe(false);
    expect(recommended.find((lesson) => lesson.id === 'es-travel-directions')?.isLocked).toBe(true);
  });
});

describe('streaks on the learner’s own days', () => {
  it('continue across the learner’s midnight, not the server’s', async () => {
    const now = new Date();
    // One of these zones is on another calendar day than UTC at any moment.
    const zone =
      localDate('Pacific/Kiritimati', now) !== localDate('UTC', now)
        ? 'Pacific/Kiritimati'
        : 'Pacific/Pago_Pago';
    const today = localDate(zone, now);
    const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const { user, client } = await createUser(t, { timezone: zone });
    await t.deps.db
      .update(userStats)
      .set({ streakDays: 4, lastActiveDate: yesterday })
      .where(eq(userStats.userId, user.id));
    expect((await complete(client, 'basic-greetings')).streakDays).toBe(5);
    expect((await complete(client, 'numbers-1-10')).streakDays).toBe(5);
  });
});

describe('lessons.getDailyChallenge', () => {
  it('draws the day’s challenges once, measures them from the day’s attempts and pays each once', async () => {
    const { user, client } = await createUser(t);
    const before = await client.lessons.getDailyChallenge.query({});
    expect(before.challenges.map((challenge) => challenge.id).slice(0, 2)).toEqual([
      'daily-practice',
      'accuracy-challenge',
    ]);
    expect(before.challenges).toHaveLength(3);
    expect(before.completed).toBe(false);
    await complete(client, 'basic-greetings');
    await complete(client, 'numbers-1-10');
    const after = await client.lessons.getDailyChallenge.query({ date: before.date });
    expect(after.challenges.map((challenge) => challenge.id)).toEqual(
      before.challenges.map((challenge) => challenge.id),
    );
    expect(after.challenges.find((challenge) => challenge.id === 'accuracy-challenge')).toMatchObject({
      current: 90,
      completed: true,
    });
    expect(after.challenges.find((challenge) => challenge.id === 'daily-practice')).toMatchObject({
      current: 2,
      completed: false,
    });
    const paid = await t.deps.db
      .select()
      .from(xpEvents)
      .where(and(eq(xpEvents.userId, user.id), eq(xpEvents.source, 'challenge')));
    expect(paid.filter((entry) => entry.refId === `${before.date}:accuracy-challenge`)).toHaveLength(1);
    await expect(client.lessons.getDailyChallenge.query({ date: '2020-01-01' })).rejects.toMatchObject({
      data: { errorCode: 'VALIDATION_ERROR' },
    });
  });
});

describe('lessons.updateProgress and getUserProgress', () => {
  it('answers the achievement that completing a lesson by its sub-modules unlocked', async () => {
    const { client } = await createUser(t);
    const subModules = await queryRows<{ id: string }>(
      t.deps.db,
      sql`select id from lesson_sub_modules where lesson_id = 'basic-greetings' order by position`,
    );
    const answers = [];
    for (const subModule of subModules)
      answers.push(
        await client.lessons.updateProgress.mutate({
          lessonId: 'basic-greetings',
          subModuleId: subModule.id,
          completed: true,
        }),
      );
    const unlockedIds = answers.map((answer) => answer.unlocked.achievements.map((a) => a.id));
    expect(unlockedIds.at(-1)).toContain('first_lesson');
    expect(unlockedIds.slice(0, -1).flat()).not.toContain('first_lesson');
  });

  it('records sub-module practice without paying client-reported XP', async () => {
    const { user, client } = await createUser(t);
    const [subModule] = await queryRows<{ id: string }>(
      t.deps.db,
      sql`select id from lesson_sub_modules where lesson_id = 'alphabet-basics' order by position limit 1`,
    );
    const progress = await client.lessons.updateProgress.mutate({
      lessonId: 'alphabet-basics',
      subModuleId: subModule!.id,
      completed: true,
      score: 80,
      timeSpent: 120,
      xpEarned: 5_000,
    });
    const module = progress.modules.find((entry) => entry.moduleId === 'alphabet-basics');
    expect(module).toMatchObject({ completedSubModules: [subModule!.id], totalTime: 120, accuracy: 80 });
    // One sub-module of several: the lesson is not completed yet.
    expect(progress.unlocked.achievements.map((achievement) => achievement.id)).not.toContain('first_lesson');
    expect(await storedXp(user.id)).toBe(0);
    expect((await client.lessons.getUserProgress.query({})).language).toBe('all');
    await expect(
      client.lessons.updateProgress.mutate({
        lessonId: 'numbers-1-10',
        subModuleId: subModule!.id,
        completed: true,
      }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
  });
});
