import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { type TrpcAnswer, trpcCall } from '../../../test/trpc-call.js';
import { queryRows } from '../../db/client.js';

/**
 * `analytics.trackEvent` over HTTP: what it stores, what it refuses, and the group commit behind it
 * (batches, an answer only after the commit, a bounded queue, a clean stop).
 */

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ rateLimits: { policies: { ingest: { points: 100_000 } } } });
});
afterAll(() => t.close());

interface StoredEvent {
  id: string;
  event: string;
  properties: Record<string, unknown>;
  occurredAt: number;
  receivedAt: number;
}

function eventsOf(app: TestApp, userId: string): Promise<StoredEvent[]> {
  return queryRows<StoredEvent>(
    app.deps.db,
    sql`select id as "id", event as "event", properties as "properties",
      (extract(epoch from occurred_at) * 1000)::float8 as "occurredAt",
      (extract(epoch from received_at) * 1000)::float8 as "receivedAt"
      from analytics_events where user_id = ${userId} order by occurred_at, id`,
  );
}

const track = (app: TestApp, user: TestUser, input: unknown, path = 'analytics.trackEvent') =>
  trpcCall(app, path, input, { headers: { authorization: user.authorization } });

const issuesOf = (answer: TrpcAnswer) =>
  ((answer.items[0]?.error?.json.data.issues ?? []) as { path: string }[]).map((issue) => issue.path);

/** Counter values of /metrics, by name and labels as written there. */
async function metric(app: TestApp, series: string): Promise<number> {
  const text = await (await app.request('/metrics')).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}

/**
 * Holds the user's row locked FOR UPDATE: an event insert checks its foreign key with a KEY SHARE lock
 * on that row, so it waits until `release()`. (Embedded PGlite has one connection, which the open
 * transaction holds: there every other statement waits.)
 */
async function holdUserRow(app: TestApp, userId: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const done = app.deps.db.transaction(async (tx) => {
    await tx.execute(sql`select 1 from users where id = ${userId} for update`);
    locked();
    await released;
  });
  await isLocked;
  return async () => {
    release();
    await done;
  };
}

describe('analytics.trackEvent', () => {
  it("stores the caller's event with its properties and answers with its id", async () => {
    const alice = await createUser(t);
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const answer = await track(t, alice, {
      event: 'lesson_completed',
      properties: {
        lessonId: 'es-basics-1',
        accuracy: 87.5,
        xp: 20,
        topic: ' Grammar ',
        durationSeconds: 300,
      },
      timestamp: at,
    });
    expect(answer.codes).toEqual(['OK']);
    const result = answer.results[0] as { success: boolean; eventId: string };
    expect(result.success).toBe(true);
    const [stored, ...others] = await eventsOf(t, alice.user.id);
    expect(others).toEqual([]);
    expect(stored).toMatchObject({
      id: result.eventId,
      event: 'lesson_completed',
      properties: { lessonId: 'es-basics-1', accuracy: 87.5, xp: 20, topic: 'grammar', durationSeconds: 300 },
      occurredAt: Date.parse(at),
    });
  });

  it('answers the same under its alias analytics.track, and dates an event without timestamp at receipt', async () => {
    const alice = await createUser(t);
    const before = Date.now();
    const answer = await track(t, alice, { event: 'app_opened' }, 'analytics.track');
    expect(answer.codes).toEqual(['OK']);
    const [stored] = await eventsOf(t, alice.user.id);
    expect(stored).toMatchObject({ event: 'app_opened', properties: {} });
    expect(stored!.occurredAt).toBe(stored!.receivedAt);
    expect(stored!.occurredAt).toBeGreaterThanOrEqual(before - 1);
  });

  it('refuses an event name outside the closed list with 400 naming the field, and stores nothing', async () => {
    const alice = await createUser(t);
    for (const event of ['lesson_finished', 'LESSON_COMPLETED', '', 'x'.repeat(10_000)]) {
      const answer = await track(t, alice, { event });
      expect(answer.status, event.slice(0, 20)).toBe(400);
      expect(answer.codes).toEqual(['VALIDATION_ERROR']);
      expect(issuesOf(answer)).toEqual(['event']);
    }
    expect(await eventsOf(t, alice.user.id)).toEqual([]);
  });

  it.each([
    [
      'a misspelt property',
      'lesson_completed',
      { lessonId: 'l1', acuracy: 90, xp: 1, accuracy: 1 },
      'properties',
    ],
    ['a required property missing', 'lesson_completed', { accuracy: 90, xp: 10 }, 'properties.lessonId'],
    [
      'an accuracy over 100',
      'lesson_completed',
      { lessonId: 'l1', accuracy: 101, xp: 10 },
      'properties.accuracy',
    ],
    ['a fractional xp', 'lesson_completed', { lessonId: 'l1', accuracy: 90, xp: 1.5 }, 'properties.xp'],
    ['a string past its bound', 'screen_viewed', { screen: 's'.repeat(65) }, 'properties.screen'],
    ['a string past any bound', 'screen_viewed', { screen: 's'.repeat(201) }, 'properties.screen'],
    ['a NUL character', 'screen_viewed', { screen: 'home\u0000' }, 'properties.screen'],
    ['a nested object', 'screen_viewed', { screen: 'home', extra: { a: 1 } }, 'properties.extra'],
    [
      'too many properties',
      'app_opened',
      Object.fromEntries([...Array(20)].map((_, i) => [`k${i}`, i])),
      'properties',
    ],
    ['a key past its bound', 'app_opened', { ['k'.repeat(41)]: 1 }, `properties.${'k'.repeat(41)}`],
    ['a malformed topic', 'practice_session', { duration: 5, topic: 'grammar!' }, 'properties.topic'],
    ['a practice longer than a day', 'practice_session', { duration: 1_441 }, 'properties.duration'],
    [
      'more correct than total',
      'session_metrics',
      { level: 'beginner', correct: 5, total: 4, accuracy: 100 },
      'properties.correct',
    ],
  ])('refuses %s with 400 naming the property', async (_, event, properties, path) => {
    const alice = await createUser(t);
    const answer = await track(t, alice, { event, properties });
    expect(answer.status).toBe(400);
    expect(answer.codes).toEqual(['VALIDATION_ERROR']);
    expect(issuesOf(answer)).toContain(path);
    expect(await eventsOf(t, alice.user.id)).toEqual([]);
  });

  it('dates an event from the future at its receipt, and refuses one more than 30 days old', async () => {
    const alice = await createUser(t);
    const future = await track(t, alice, { event: 'app_opened', timestamp: '2999-01-01T00:00:00Z' });
    expect(future.codes).toEqual(['OK']);
    const [stored] = await eventsOf(t, alice.user.id);
    expect(stored!.occurredAt).toBe(stored!.receivedAt);

    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    const refused = await track(t, alice, { event: 'app_opened', timestamp: old });
    expect(refused.status).toBe(400);
    expect(issuesOf(refused)).toEqual(['timestamp']);

    const lastMonth = new Date(Date.now() - 29 * 86_400_000).toISOString();
    expect((await track(t, alice, { event: 'app_opened', timestamp: lastMonth })).codes).toEqual(['OK']);
    const withoutOffset = await track(t, alice, { event: 'app_opened', timestamp: '2026-01-01T10:00:00' });
    expect(issuesOf(withoutOffset)).toEqual(['timestamp']);
    expect((await eventsOf(t, alice.user.id)).map((event) => event.occurredAt)).toContain(
      Date.parse(lastMonth),
    );
  });
});

describe('group commit', () => {
  it('writes 200 concurrent calls in far fewer INSERT statements, every one of them', async () => {
    const app = await createTestApp({
      env: { ANALYTICS_BATCH_MAX_WAIT_MS: '100', ACCESS_LOG: 'off' },
      rateLimits: { policies: { ingest: { points: 100_000 } } },
    });
    try {
      const users = await Promise.all([createUser(app), createUser(app)]);
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, index) =>
          track(app, users[index % 2]!, { event: 'screen_viewed', properties: { screen: `s${index}` } }),
        ),
      );
      expect(answers.flatMap((answer) => answer.codes)).toEqual(Array(200).fill('OK'));
      const batches = await metric(app, 'analytics_event_batches_total{outcome="written"}');
      expect(batches).toBeGreaterThan(0);
      expect(batches).toBeLessThanOrEqual(20);
      expect(await metric(app, 'analytics_events_written_total')).toBe(200);
      const stored = [
        ...(await eventsOf(app, users[0]!.user.id)),
        ...(await eventsOf(app, users[1]!.user.id)),
      ];
      expect(stored).toHaveLength(200);
      const ids = answers.map((answer) => (answer.results[0] as { eventId: string }).eventId);
      expect(new Set(stored.map((event) => event.id))).toEqual(new Set(ids));
    } finally {
      await app.close();
    }
  });

  it('answers only once the row is committed', async () => {
    const alice = await createUser(t);
    const release = await holdUserRow(t, alice.user.id);
    let answered = false;
    const call = track(t, alice, { event: 'app_opened' }).then((answer) => {
      answered = true;
      return answer;
    });
    await sleep(300);
    expect(answered).toBe(false);
    await release();
    const answer = await call;
    expect(answer.codes).toEqual(['OK']);
    const [stored] = await eventsOf(t, alice.user.id);
    expect(stored?.id).toBe((answer.results[0] as { eventId: string }).eventId);
  });

  it('refuses with 503 and Retry-After once the queue is full, and takes events again once it drains', async () => {
    const app = await createTestApp({
      env: { ANALYTICS_QUEUE_MAX_ROWS: '3', ACCESS_LOG: 'off' },
      rateLimits: { policies: { ingest: { points: 100_000 } } },
    });
    try {
      const alice = await createUser(app);
      const release = await holdUserRow(app, alice.user.id);
      const waiting = [0, 1, 2].map(() => track(app, alice, { event: 'app_opened' }));
      await expect.poll(() => metric(app, 'analytics_event_queue_rows')).toBe(3);
      const refused = await track(app, alice, { event: 'app_opened' });
      expect(refused.status).toBe(503);
      expect(refused.codes).toEqual(['SERVICE_UNAVAILABLE']);
      expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await metric(app, 'analytics_events_refused_total{reason="full"}')).toBe(1);
      await release();
      expect((await Promise.all(waiting)).flatMap((answer) => answer.codes)).toEqual(['OK', 'OK', 'OK']);
      expect((await track(app, alice, { event: 'app_opened' })).codes).toEqual(['OK']);
      expect(await eventsOf(app, alice.user.id)).toHaveLength(4);
    } finally {
      await app.close();
    }
  });

  it('on shutdown writes the events it has accepted before the database closes, and refuses later ones', async () => {
    const app = await createTestApp({
      env: { ANALYTICS_BATCH_MAX_WAIT_MS: '1000', ACCESS_LOG: 'off' },
      rateLimits: { policies: { ingest: { points: 100_000 } } },
    });
    const alice = await createUser(app);
    const accepted = [0, 1, 2].map(() => track(app, alice, { event: 'app_opened' }));
    await expect.poll(() => app.deps.eventWriter.pending).toBe(3);
    await app.close();
    expect(await eventsOf(app, alice.user.id)).toHaveLength(3);
    expect((await Promise.all(accepted)).flatMap((answer) => answer.codes)).toEqual(['OK', 'OK', 'OK']);
    const row = { id: randomUUID(), userId: alice.user.id, event: 'app_opened' as const, properties: {} };
    await expect(
      app.deps.eventWriter.add({ ...row, occurredAt: new Date(), receivedAt: new Date() }),
    ).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('answers 503 with Retry-After to an event sent while the writer stops', async () => {
    const app = await createTestApp({ env: { ACCESS_LOG: 'off' } });
    try {
      const alice = await createUser(app);
      await app.deps.eventWriter.stop();
      const late = await track(app, alice, { event: 'app_opened' });
      expect(late.status).toBe(503);
      expect(late.codes).toEqual(['SERVICE_UNAVAILABLE']);
      expect(Number(late.response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await metric(app, 'analytics_events_refused_total{reason="stopped"}')).toBe(1);
      expect(await eventsOf(app, alice.user.id)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it("fails only the event of an account deleted meanwhile, not its batch's others", async () => {
    const app = await createTestApp({
      env: { ANALYTICS_BATCH_MAX_WAIT_MS: '300', ACCESS_LOG: 'off' },
      rateLimits: { policies: { ingest: { points: 100_000 } } },
    });
    try {
      const [alice, gone] = await Promise.all([createUser(app), createUser(app)]);
      const calls = [alice, gone, alice].map((user) => track(app, user, { event: 'app_opened' }));
      await expect.poll(() => app.deps.eventWriter.pending).toBe(3);
      await app.deps.db.execute(sql`delete from users where id = ${gone.user.id}`);
      const [first, lost, third] = await Promise.all(calls);
      expect([first!.codes, third!.codes]).toEqual([['OK'], ['OK']]);
      expect(lost!.status).toBe(404);
      expect(await eventsOf(app, alice.user.id)).toHaveLength(2);
    } finally {
      await app.close();
    }
  });
});
