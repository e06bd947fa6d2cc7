import { TRPCClientError } from '@trpc/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { inProcessApi } from '../../../test/in-process.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { entitlements, userStats } from '../../db/schema/index.js';

let t: TestApp;
let api: ReturnType<typeof inProcessApi>;
beforeAll(async () => {
  t = await createTestApp();
  api = inProcessApi(t);
});
afterAll(() => t.close());

/** Computed here with Intl directly, independently of the code under test. */
function localToday(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
}

const shift = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const dayBefore = (date: string) => shift(date, -1);
const dayAfter = (date: string) => shift(date, 1);

async function signedIn(timezone = 'UTC') {
  const created = await createUser(t, { timezone });
  return { ...created, api: api.client(created.accessToken) };
}

async function setQuota(userId: string, lastMessageDate: string | null, messagesUsedToday: number) {
  await t.deps.db
    .update(userStats)
    .set({ lastMessageDate, messagesUsedToday })
    .where(eq(userStats.userId, userId));
}

async function errorCodeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => expect.unreachable('expected the call to fail'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return (error as { data: { errorCode: string } }).data.errorCode;
}

describe('user.canSendMessage and user.incrementMessageCount', () => {
  it('counts five messages a day for a free user, then refuses with RATE_LIMITED', async () => {
    const { api: client } = await signedIn();
    expect(await client.user.canSendMessage.query()).toEqual({ canSend: true, messagesLeft: 5 });
    for (let sent = 1; sent <= 5; sent++) {
      const profile = await client.user.incrementMessageCount.mutate();
      expect(profile.stats).toMatchObject({ messagesUsedToday: sent, totalChats: sent });
    }
    expect(await client.user.canSendMessage.query()).toEqual({ canSend: false, messagesLeft: 0 });
    expect(await errorCodeOf(client.user.incrementMessageCount.mutate())).toBe('RATE_LIMITED');
    expect((await client.user.get.query()).stats).toMatchObject({ messagesUsedToday: 5, totalChats: 5 });
  });

  // Between them these zones cover every hour of the UTC day with a local date different from UTC's:
  // Kiritimati (UTC+14) from 10:00Z, Pago Pago (UTC-11) until 11:00Z, Los Angeles until 07:00Z or 08:00Z.
  it.each(['Pacific/Kiritimati', 'America/Los_Angeles', 'Pacific/Pago_Pago'])(
    'starts a new day at local midnight in %s',
    async (timeZone) => {
      const { user, api: client } = await signedIn(timeZone);
      const today = localToday(timeZone);

      await setQuota(user.id, today, 5);
      expect(await client.user.canSendMessage.query()).toEqual({ canSend: false, messagesLeft: 0 });
      expect(await errorCodeOf(client.user.incrementMessageCount.mutate())).toBe('RATE_LIMITED');

      await setQuota(user.id, today, 3);
      expect(await client.user.canSendMessage.query()).toEqual({ canSend: true, messagesLeft: 2 });

      await setQuota(user.id, dayBefore(today), 5);
      expect(await client.user.canSendMessage.query()).toEqual({ canSend: true, messagesLeft: 5 });
      const profile = await client.user.incrementMessageCount.mutate();
      expect(profile.stats).toMatchObject({ messagesUsedToday: 1, lastMessageDate: today });
    },
  );

  it('keeps the count when the stored date is ahead of today (the user moved west)', async () => {
    const { user, api: client } = await signedIn('Pacific/Pago_Pago');
    // Five messages sent "tomorrow" by Pago Pago's calendar, e.g. while the profile said Kiritimati.
    await setQuota(user.id, dayAfter(localToday('Pacific/Pago_Pago')), 5);
    expect(await client.user.canSendMessage.query()).toEqual({ canSend: false, messagesLeft: 0 });
    expect(await errorCodeOf(client.user.incrementMessageCount.mutate())).toBe('RATE_LIMITED');
  });

  it('lets exactly five of twenty concurrent calls through', async () => {
    const { user, accessToken } = await signedIn();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        trpcCall(t, 'user.incrementMessageCount', null, {
          headers: { authorization: `Bearer ${accessToken}` },
        }),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
    const [stats] = await t.deps.db.select().from(userStats).where(eq(userStats.userId, user.id));
    expect(stats).toMatchObject({ messagesUsedToday: 5, totalChats: 5 });
  });

  it('never limits premium, on a new day too', async () => {
    const { user, api: client } = await signedIn('Pacific/Kiritimati');
    await t.deps.db.insert(entitlements).values({
      userId: user.id,
      entitlement: 'premium',
      source: 'revenuecat',
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    await setQuota(user.id, dayBefore(localToday('Pacific/Kiritimati')), 5);
    expect(await client.user.canSendMessage.query()).toEqual({ canSend: true, messagesLeft: -1 });
    await setQuota(user.id, localToday('Pacific/Kiritimati'), 5);
    expect(await client.user.canSendMessage.query()).toEqual({ canSend: true, messagesLeft: -1 });
    const profile = await client.user.incrementMessageCount.mutate();
    expect(profile.stats).toMatchObject({ messagesUsedToday: 6, totalChats: 1 });
  });

  it('limits again once the premium entitlement has expired', async () => {
    const { user, api: client } = await signedIn();
    await t.deps.db.insert(entitlements).values({
      userId: user.id,
      entitlement: 'premium',
      source: 'revenuecat',
      expiresAt: new Date(Date.now() - 1_000),
    });
    await setQuota(user.id, localToday('UTC'), 5);
    expect(await client.user.canSendMessage.query()).toEqual({ canSend: false, messagesLeft: 0 });
    expect(await errorCodeOf(client.user.incrementMessageCount.mutate())).toBe('RATE_LIMITED');
  });
});
