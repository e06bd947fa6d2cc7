import { TRPCClientError } from '@trpc/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { inProcessApi } from '../../../test/in-process.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { entitlements, userStats, users } from '../../db/schema/index.js';

let t: TestApp;
let api: ReturnType<typeof inProcessApi>;
beforeAll(async () => {
  t = await createTestApp();
  api = inProcessApi(t);
});
afterAll(() => t.close());

async function signedIn(overrides: Parameters<typeof createUser>[1] = {}) {
  const created = await createUser(t, overrides);
  return { ...created, api: api.client(created.accessToken) };
}

/** The tRPC error data of a rejected call. */
async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => expect.unreachable('expected the call to fail'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return (error as { data: unknown }).data as {
    errorCode: string;
    httpStatus: number;
    zodError: unknown;
  };
}

describe('user.get and user.getProfile', () => {
  it('return the profile in the contract shape, the alias identical', async () => {
    const { user, api: client } = await signedIn({ name: 'Ana' });
    const profile = await client.user.get.query();
    expect(profile).toMatchObject({
      id: user.id,
      email: user.email,
      name: 'Ana',
      isPremium: false,
      onboardingCompleted: false,
      proficiencyLevel: 'beginner',
      dailyGoalMinutes: 15,
      learningGoals: [],
      stats: { totalChats: 0, streakDays: 0, wordsLearned: 0, xpPoints: 0, messagesUsedToday: 0, badges: [] },
      settings: {
        darkMode: false,
        soundEnabled: true,
        notificationsEnabled: true,
        hapticsEnabled: true,
        autoPlayAudio: true,
        reminderTime: '19:00',
      },
    });
    expect(profile.createdAt).toBeInstanceOf(Date);
    expect(profile).not.toHaveProperty('passwordHash');
    expect(await client.user.getProfile.query()).toEqual(profile);
  });

  it('derives isPremium from active entitlements, so an expired one is not premium', async () => {
    const { user, api: client } = await signedIn();
    await t.deps.db.insert(entitlements).values({
      userId: user.id,
      entitlement: 'premium',
      source: 'revenuecat',
      expiresAt: new Date(Date.now() - 60_000),
    });
    // Even a stale denormalised flag does not outlive the expiry.
    await t.deps.db.update(users).set({ isPremium: true }).where(eq(users.id, user.id));
    expect((await client.user.get.query()).isPremium).toBe(false);
  });
});

describe('user.update and user.updateSettings', () => {
  it('updates only the given fields and merges settings', async () => {
    const { api: client } = await signedIn();
    await client.user.update.mutate({ settings: { darkMode: true, reminderTime: '07:30' } });
    const updated = await client.user.updateSettings.mutate({
      name: 'Bea',
      selectedLanguage: 'fr',
      learningGoals: ['travel'],
      dailyGoalMinutes: 30,
      timezone: 'Europe/Paris',
      settings: { soundEnabled: false },
    });
    expect(updated).toMatchObject({
      name: 'Bea',
      selectedLanguage: 'fr',
      targetLanguage: 'fr',
      learningGoals: ['travel'],
      dailyGoalMinutes: 30,
      timezone: 'Europe/Paris',
      settings: { darkMode: true, reminderTime: '07:30', soundEnabled: false, hapticsEnabled: true },
    });
  });

  it('refuses to change the login email, accepts the unchanged one', async () => {
    const { user, api: client } = await signedIn();
    const data = await errorOf(client.user.update.mutate({ email: 'someone-else@example.com' }));
    expect(data).toMatchObject({ errorCode: 'VALIDATION_ERROR', httpStatus: 400 });
    const answer = await trpcCall(
      t,
      'user.update',
      { email: 'x@example.com' },
      { headers: { authorization: (await createUser(t)).authorization } },
    );
    expect(answer.items[0]?.error?.json.message).toMatch(/auth\.updateProfile/);
    expect((await client.user.update.mutate({ email: user.email.toUpperCase(), name: 'Same' })).email).toBe(
      user.email,
    );
  });

  it.each([
    [{ dailyGoalMinutes: 4 }],
    [{ dailyGoalMinutes: 121 }],
    [{ name: 'x'.repeat(101) }],
    [{ name: '   ' }],
    [{ nativeLanguage: 'english!' }],
    [{ learningGoals: Array.from({ length: 31 }, () => 'goal') }],
    [{ settings: { reminderTime: '25:00' } }],
    [{ timezone: 'Mars/Olympus_Mons' }],
  ])('rejects %o with VALIDATION_ERROR', async (input) => {
    const { api: client } = await signedIn();
    const data = await errorOf(client.user.update.mutate(input as never));
    expect(data).toMatchObject({ errorCode: 'VALIDATION_ERROR', httpStatus: 400 });
  });
});

describe('user.completeOnboarding', () => {
  it('stores the answers and never resets premium, stats or settings', async () => {
    const { user, api: client } = await signedIn();
    await t.deps.db.insert(entitlements).values({ userId: user.id, entitlement: 'premium', source: 'admin' });
    await t.deps.db
      .update(userStats)
      .set({ xpPoints: 420, streakDays: 3, totalChats: 9 })
      .where(eq(userStats.userId, user.id));
    await client.user.updateSettings.mutate({ settings: { darkMode: true } });

    const profile = await client.user.completeOnboarding.mutate({
      nativeLanguage: 'en',
      selectedLanguage: 'ja',
      proficiencyLevel: 'intermediate',
      learningGoals: ['conversation'],
      interests: ['anime'],
      preferredTopics: ['food'],
      dailyGoalMinutes: 20,
      name: 'Kai',
    });
    expect(profile).toMatchObject({
      onboardingCompleted: true,
      isPremium: true,
      name: 'Kai',
      nativeLanguage: 'en',
      selectedLanguage: 'ja',
      proficiencyLevel: 'intermediate',
      interests: ['anime'],
      dailyGoalMinutes: 20,
      stats: { xpPoints: 420, streakDays: 3, totalChats: 9 },
      settings: { darkMode: true },
    });
  });

  it('requires the onboarding answers', async () => {
    const { api: client } = await signedIn();
    const data = await errorOf(client.user.completeOnboarding.mutate({ nativeLanguage: 'en' } as never));
    expect(data.errorCode).toBe('VALIDATION_ERROR');
  });
});

describe('authorization', () => {
  const calls = {
    'user.get': (c: ReturnType<typeof api.client>) => c.user.get.query(),
    'user.getProfile': (c: ReturnType<typeof api.client>) => c.user.getProfile.query(),
    'user.update': (c: ReturnType<typeof api.client>) => c.user.update.mutate({}),
    'user.updateSettings': (c: ReturnType<typeof api.client>) => c.user.updateSettings.mutate({}),
    'user.completeOnboarding': (c: ReturnType<typeof api.client>) =>
      c.user.completeOnboarding.mutate({
        nativeLanguage: 'en',
        selectedLanguage: 'es',
        proficiencyLevel: 'beginner',
        learningGoals: [],
        interests: [],
        preferredTopics: [],
        dailyGoalMinutes: 15,
      }),
    'user.updateStats': (c: ReturnType<typeof api.client>) => c.user.updateStats.mutate({}),
    'user.upgradeToPremium': (c: ReturnType<typeof api.client>) => c.user.upgradeToPremium.mutate(),
    'user.canSendMessage': (c: ReturnType<typeof api.client>) => c.user.canSendMessage.query(),
    'user.incrementMessageCount': (c: ReturnType<typeof api.client>) => c.user.incrementMessageCount.mutate(),
    'admin.setPremium': (c: ReturnType<typeof api.client>) =>
      c.admin.setPremium.mutate({ userId: crypto.randomUUID(), premium: true, reason: 'test' }),
  };

  it.each(Object.entries(calls))('%s answers 401 without a token, or with a bad one', async (_path, call) => {
    for (const token of [null, 'not-a-jwt']) {
      const data = await errorOf(call(api.client(token)));
      expect(data).toMatchObject({ errorCode: 'UNAUTHORIZED', httpStatus: 401 });
    }
  });
});
