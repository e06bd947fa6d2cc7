import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../test/factories.js';
import { createTestApp, type TestApp, usingRedis } from '../../test/harness.js';
import { openSse, type SseSubscription } from '../../test/sse.js';
import { exercises, userEvents, userStats } from '../db/schema/index.js';
import type { StoredEvent } from './streams.js';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp({ relay: true });
  base = await t.listen();
});
afterAll(() => t.close());

const onEvent = (user: TestUser, lastEventId?: string) =>
  openSse<StoredEvent>(base, 'notifications.onEvent', {
    token: user.accessToken,
    ...(lastEventId ? { input: { lastEventId } } : {}),
  });

/** Items until one of `type` arrives (progression may tell badges first). */
async function until(feed: SseSubscription<StoredEvent>, type: string) {
  for (let i = 0; i < 20; i++) {
    const item = await feed.next();
    if (item.data.type === type) return item;
  }
  throw new Error(`no ${type}`);
}

async function completeLesson(user: TestUser, lessonId = 'basic-greetings') {
  const { exercises: asked } = await user.client.lessons.getExercises.query({ lessonId });
  const truth = await t.deps.db
    .select({ id: exercises.id, correctAnswer: exercises.correctAnswer })
    .from(exercises)
    .where(eq(exercises.lessonId, lessonId));
  const answerOf = new Map(truth.map((row) => [row.id, row.correctAnswer]));
  return user.client.lessons.submit.mutate({
    lessonId,
    answers: asked.map((exercise) => ({ exerciseId: exercise.id, answer: answerOf.get(exercise.id)! })),
    timeSpent: 240,
  });
}

const setXp = (userId: string, xp: number) =>
  t.deps.db.update(userStats).set({ xpPoints: xp }).where(eq(userStats.userId, userId));

const follow = (follower: TestUser, followee: TestUser) =>
  follower.client.leaderboard.follow.mutate({ userId: followee.user.id });

describe('notifications.onEvent', () => {
  it('tells a learner who levels up, live', async () => {
    const learner = await createUser(t);
    await setXp(learner.user.id, 95);
    const feed = await onEvent(learner);
    try {
      await completeLesson(learner);
      const item = await until(feed, 'level_up');
      // A first lesson pays achievement rewards too: at least one level up from 1.
      expect(item.data).toMatchObject({ type: 'level_up', data: { from: 1 } });
      expect((item.data.data as { to: number }).to).toBeGreaterThan(1);
      expect(item.id).toMatch(/^\d+-\d+$/);
    } finally {
      feed.close();
    }
  });

  it('tells the followed learner who follows them, once however often they follow', async () => {
    const [followed, follower] = await Promise.all([createUser(t), createUser(t, { name: 'Ana Follows' })]);
    const feed = await onEvent(followed);
    try {
      await follow(follower, followed);
      await follow(follower, followed);
      const item = await feed.next();
      expect(item.data).toMatchObject({
        type: 'new_follower',
        data: { followerId: follower.user.id, followerName: 'Ana Follows' },
      });
      expect(await feed.drain(400)).toEqual([]);
    } finally {
      feed.close();
    }
  });

  it('tells a follower when someone they follow passes them on the all-time XP board', async () => {
    const [fan, star, other] = await Promise.all([
      createUser(t),
      createUser(t, { name: 'Star' }),
      createUser(t),
    ]);
    await Promise.all([setXp(fan.user.id, 20), setXp(star.user.id, 10), setXp(other.user.id, 100_000)]);
    await follow(fan, star);
    await follow(other, star);
    const [fanFeed, otherFeed] = await Promise.all([onEvent(fan), onEvent(other)]);
    try {
      await completeLesson(star);
      const item = await fanFeed.next();
      expect(item.data).toMatchObject({
        type: 'friend_passed',
        data: { friendId: star.user.id, friendName: 'Star', board: 'xp', yourScore: 20 },
      });
      expect((item.data.data as { friendScore: number }).friendScore).toBeGreaterThan(20);
      // Not passed: far ahead.
      expect(await otherFeed.drain(400)).toEqual([]);
    } finally {
      fanFeed.close();
      otherFeed.close();
    }
  });

  it('replays exactly the events missed while disconnected, then goes on live', async () => {
    const followed = await createUser(t);
    const fans = await Promise.all([1, 2, 3, 4].map(() => createUser(t)));
    const first = await onEvent(followed);
    await follow(fans[0]!, followed);
    const seen = await first.next();
    first.close();

    await follow(fans[1]!, followed);
    await follow(fans[2]!, followed);
    await waitUntilPublished(followed.user.id, 3);

    const resumed = await onEvent(followed, seen.id);
    try {
      const replayed = [await resumed.next(), await resumed.next()];
      expect(replayed.map((item) => (item.data.data as { followerId: string }).followerId)).toEqual([
        fans[1]!.user.id,
        fans[2]!.user.id,
      ]);
      await follow(fans[3]!, followed);
      const live = await resumed.next();
      expect((live.data.data as { followerId: string }).followerId).toBe(fans[3]!.user.id);
      expect(await resumed.drain(400)).toEqual([]);
      expect(new Set([seen.id, ...replayed.map((item) => item.id), live.id]).size).toBe(4);
    } finally {
      resumed.close();
    }
  });

  it('refuses a signed-out caller and a malformed lastEventId', async () => {
    await expect(openSse(base, 'notifications.onEvent').then((feed) => feed.next())).rejects.toThrow(
      /UNAUTHORIZED/,
    );
    const user = await createUser(t);
    await expect(
      openSse(base, 'notifications.onEvent', {
        token: user.accessToken,
        input: { lastEventId: '0; drop' },
      }).then((feed) => feed.next()),
    ).rejects.toThrow(/BAD_REQUEST|VALIDATION/);
  });
});

describe('the relay', () => {
  it('delivers an event committed while no relay ran, once one starts', async () => {
    const [followed, follower] = await Promise.all([createUser(t), createUser(t)]);
    const feed = await onEvent(followed);
    await t.deps.relay.stop();
    try {
      await follow(follower, followed);
      expect(await feed.drain(300)).toEqual([]);
      t.deps.relay.start();
      expect((await feed.next()).data.type).toBe('new_follower');
    } finally {
      t.deps.relay.start();
      feed.close();
    }
  });

  it('appends nothing twice when rows are relayed again (a crash between append and stamp)', async () => {
    const [followed, follower] = await Promise.all([createUser(t), createUser(t)]);
    const feed = await onEvent(followed);
    try {
      await follow(follower, followed);
      await feed.next();
      await waitUntilPublished(followed.user.id, 1);
      // As if the relay died after appending and before its commit: the row is unpublished again.
      await t.deps.db
        .update(userEvents)
        .set({ publishedAt: null })
        .where(eq(userEvents.userId, followed.user.id));
      await t.deps.relay.relayOnce();
      await waitUntilPublished(followed.user.id, 1);
      expect(await feed.drain(400)).toEqual([]);
      expect(await t.deps.eventStreams.readAfter(followed.user.id, '0-0', 10)).toHaveLength(1);
    } finally {
      feed.close();
    }
  });

  it('prunes published rows past the retention', async () => {
    const [followed, follower] = await Promise.all([createUser(t), createUser(t)]);
    await follow(follower, followed);
    await waitUntilPublished(followed.user.id, 1);
    await t.deps.db
      .update(userEvents)
      .set({ publishedAt: sql`now() - interval '100 days'` })
      .where(eq(userEvents.userId, followed.user.id));
    expect(await t.deps.relay.prune()).toBeGreaterThanOrEqual(1);
    const left = await t.deps.db.select().from(userEvents).where(eq(userEvents.userId, followed.user.id));
    expect(left).toEqual([]);
  });

  it('reports the outbox lag and the events published on /metrics', async () => {
    const text = await (await t.request('/metrics')).text();
    expect(text).toMatch(/^user_events_outbox_lag_seconds \d/m);
    expect(text).toMatch(/^user_events_published_total [1-9]/m);
  });
});

describe.runIf(usingRedis())('several instances on one Redis', () => {
  it('delivers an event committed on one instance to a subscriber on another', async () => {
    const other = await createTestApp();
    try {
      const [followed, follower] = await Promise.all([createUser(t), createUser(t)]);
      const feed = await openSse<StoredEvent>(await other.listen(), 'notifications.onEvent', {
        token: followed.accessToken,
      });
      try {
        await follow(follower, followed);
        expect((await feed.next()).data).toMatchObject({
          type: 'new_follower',
          data: { followerId: follower.user.id },
        });
      } finally {
        feed.close();
      }
    } finally {
      await other.close();
    }
  });
});

async function waitUntilPublished(userId: string, count: number) {
  for (let i = 0; i < 100; i++) {
    const rows = await t.deps.db.select().from(userEvents).where(eq(userEvents.userId, userId));
    if (rows.length >= count && rows.every((row) => row.publishedAt !== null)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('events not published');
}
