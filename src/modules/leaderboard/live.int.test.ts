import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp, unique } from '../../../test/harness.js';
import { openSse } from '../../../test/sse.js';
import { exercises, userStats } from '../../db/schema/index.js';

let t: TestApp;
let base: string;
beforeAll(async () => {
  // Rankings of its own: the board is rebuilt from PostgreSQL and changes only with this test's writes.
  t = await createTestApp({ rankingNamespace: unique('lb'), env: { LEADERBOARD_CHANGE_INTERVAL_MS: '200' } });
  base = await t.listen();
});
afterAll(() => t.close());

interface Page {
  users: { id: string; totalXP: number; rank: number | null }[];
  total: number;
  hasMore: boolean;
}

describe('leaderboard.onChange', () => {
  it('sends the top N at once, then again when a ranking update changes it', async () => {
    const leader = await createUser(t, { name: 'Leader' });
    await t.deps.db
      .update(userStats)
      .set({ xpPoints: 50_000_000 })
      .where(eq(userStats.userId, leader.user.id));
    const feed = await openSse<Page>(base, 'leaderboard.onChange', {
      input: { filter: 'all', sortBy: 'xp', limit: 3 },
      settleMs: 0,
    });
    try {
      const first = (await feed.next()).data;
      expect(first.users).toHaveLength(Math.min(3, first.total));
      expect(first.users[0]).toMatchObject({ id: leader.user.id, totalXP: 50_000_000, rank: 1 });

      const lessonId = 'basic-greetings';
      const { exercises: asked } = await leader.client.lessons.getExercises.query({ lessonId });
      const truth = await t.deps.db.select().from(exercises).where(eq(exercises.lessonId, lessonId));
      const answerOf = new Map(truth.map((row) => [row.id, row.correctAnswer]));
      await leader.client.lessons.submit.mutate({
        lessonId,
        answers: asked.map((exercise) => ({ exerciseId: exercise.id, answer: answerOf.get(exercise.id)! })),
        timeSpent: 240,
      });
      const next = (await feed.next()).data;
      expect(next.users[0]!.id).toBe(leader.user.id);
      expect(next.users[0]!.totalXP).toBeGreaterThan(50_000_000);
    } finally {
      feed.close();
    }
  });

  it('refuses the friends board and a limit over 100', async () => {
    for (const input of [{ filter: 'friends' }, { limit: 101 }]) {
      const feed = await openSse(base, 'leaderboard.onChange', { input, settleMs: 0 });
      await expect(feed.next()).rejects.toThrow(/BAD_REQUEST/);
    }
  });
});
