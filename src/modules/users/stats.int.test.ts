import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { inProcessApi } from '../../../test/in-process.js';
import { auditEvents, type NewUserStats, userStats, xpEvents } from '../../db/schema/index.js';

let t: TestApp;
let api: ReturnType<typeof inProcessApi>;
beforeAll(async () => {
  t = await createTestApp();
  api = inProcessApi(t);
});
afterAll(() => t.close());

const ZONE = 'America/Los_Angeles';

/** Computed here with Intl directly, independently of the code under test. */
const localToday = (timeZone = ZONE) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );
const daysAgo = (days: number) =>
  new Date(Date.parse(`${localToday()}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

async function signedIn(stats: Partial<NewUserStats> = {}) {
  const created = await createUser(t, { timezone: ZONE });
  if (Object.keys(stats).length > 0) {
    await t.deps.db.update(userStats).set(stats).where(eq(userStats.userId, created.user.id));
  }
  return { ...created, api: api.client(created.accessToken) };
}

const rejections = (userId: string) =>
  t.deps.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.actorUserId, userId), eq(auditEvents.event, 'stats_update_rejected')));

const ledger = (userId: string) => t.deps.db.select().from(xpEvents).where(eq(xpEvents.userId, userId));

describe('user.updateStats', () => {
  it('applies plausible increases of words and streak and audits nothing', async () => {
    const { user, api: client } = await signedIn();
    const profile = await client.user.updateStats.mutate({ wordsLearned: 20, streakDays: 1 });
    expect(profile.stats).toMatchObject({ wordsLearned: 20, streakDays: 1, lastActiveDate: localToday() });
    expect(await rejections(user.id)).toEqual([]);
  });

  it('never raises XP, however little is asked, and audits the attempt', async () => {
    const { user, api: client } = await signedIn();
    const profile = await client.user.updateStats.mutate({ xpPoints: 150, wordsLearned: 20 });
    expect(profile.stats).toMatchObject({ xpPoints: 0, wordsLearned: 20 });
    expect(await ledger(user.id)).toEqual([]);
    const [audit] = await rejections(user.id);
    expect(audit?.details).toMatchObject({
      rejected: { xpPoints: { asked: 150, kept: 0, reason: 'server_counted' } },
    });
  });

  it('refuses decreases, keeps the server numbers and audits what was asked and kept', async () => {
    const { user, api: client } = await signedIn({
      xpPoints: 500,
      wordsLearned: 50,
      lastActiveDate: localToday(),
    });
    const profile = await client.user.updateStats.mutate({ xpPoints: 100, wordsLearned: 60 });
    expect(profile.stats).toMatchObject({ xpPoints: 500, wordsLearned: 60 });
    const [audit, ...more] = await rejections(user.id);
    expect(more).toEqual([]);
    expect(audit).toMatchObject({
      severity: 'medium',
      details: {
        asked: { xpPoints: 100, wordsLearned: 60 },
        kept: { xpPoints: 500, wordsLearned: 60 },
        rejected: { xpPoints: { asked: 100, kept: 500, reason: 'server_counted' } },
        timezone: ZONE,
        today: localToday(),
      },
    });
    expect(await ledger(user.id)).toEqual([]);
  });

  it('refuses more than 500 words a local day', async () => {
    const { user, api: client } = await signedIn();
    expect((await client.user.updateStats.mutate({ wordsLearned: 400 })).stats.wordsLearned).toBe(400);
    expect((await client.user.updateStats.mutate({ wordsLearned: 501 })).stats.wordsLearned).toBe(400);
    expect((await client.user.updateStats.mutate({ wordsLearned: 500 })).stats.wordsLearned).toBe(500);
    expect(await rejections(user.id)).toHaveLength(1);
  });

  it('lets a client back from days offline bring those days of progress', async () => {
    const { api: client } = await signedIn({ wordsLearned: 100, lastActiveDate: daysAgo(3) });
    // Three days' allowance of words, not one: 500 a day.
    expect((await client.user.updateStats.mutate({ wordsLearned: 1_600 })).stats.wordsLearned).toBe(1_600);
  });

  it('grows the streak by one only the day after the last active day', async () => {
    const consecutive = await signedIn({ streakDays: 4, lastActiveDate: daysAgo(1) });
    expect((await consecutive.api.user.updateStats.mutate({ streakDays: 6 })).stats.streakDays).toBe(4);
    expect((await consecutive.api.user.updateStats.mutate({ streakDays: 5 })).stats.streakDays).toBe(5);
    // Now active today: a second increase the same day is refused.
    expect((await consecutive.api.user.updateStats.mutate({ streakDays: 6 })).stats.streakDays).toBe(5);
    const reasons = (await rejections(consecutive.user.id)).map(
      (event) => (event.details.rejected as Record<string, { reason: string }>).streakDays?.reason,
    );
    expect(reasons).toEqual(['streak_not_consecutive', 'streak_not_consecutive']);

    const sameDay = await signedIn({ streakDays: 4, lastActiveDate: localToday() });
    expect((await sameDay.api.user.updateStats.mutate({ streakDays: 2 })).stats.streakDays).toBe(4);
    expect((await rejections(sameDay.user.id))[0]?.details).toMatchObject({
      rejected: { streakDays: { asked: 2, kept: 4, reason: 'decrease' } },
    });
  });

  it('restarts a streak broken by a missed day at 1, unaudited', async () => {
    const { user, api: client } = await signedIn({ streakDays: 9, lastActiveDate: daysAgo(3) });
    const profile = await client.user.updateStats.mutate({ streakDays: 1 });
    expect(profile.stats).toMatchObject({ streakDays: 1, lastActiveDate: localToday() });
    expect(await rejections(user.id)).toEqual([]);
  });

  it('never takes chat counts from the client', async () => {
    const { user, api: client } = await signedIn({
      totalChats: 7,
      messagesUsedToday: 5,
      lastMessageDate: localToday(),
    });
    const profile = await client.user.updateStats.mutate({ totalChats: 100, messagesUsedToday: 0 });
    expect(profile.stats).toMatchObject({ totalChats: 7, messagesUsedToday: 5 });
    expect(await client.user.canSendMessage.query()).toEqual({ canSend: false, messagesLeft: 0 });
    expect((await rejections(user.id))[0]?.details).toMatchObject({
      rejected: {
        totalChats: { asked: 100, kept: 7, reason: 'server_counted' },
        messagesUsedToday: { asked: 0, kept: 5, reason: 'server_counted' },
      },
    });
  });

  it('rejects negative or oversized values as invalid input', async () => {
    const { api: client } = await signedIn();
    for (const input of [{ xpPoints: -1 }, { wordsLearned: 2 ** 31 }, { streakDays: 1.5 }]) {
      await expect(client.user.updateStats.mutate(input)).rejects.toMatchObject({
        data: { errorCode: 'VALIDATION_ERROR' },
      });
    }
  });
});
