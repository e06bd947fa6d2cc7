import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { inProcessApi } from '../../../test/in-process.js';
import { auditEvents, entitlements, users } from '../../db/schema/index.js';

let t: TestApp;
let api: ReturnType<typeof inProcessApi>;
beforeAll(async () => {
  t = await createTestApp();
  api = inProcessApi(t);
});
afterAll(() => t.close());

const auditOf = (event: string, column: 'actorUserId' | 'target', value: string) =>
  t.deps.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.event, event), eq(auditEvents[column], value)));

const storedFlag = async (userId: string) =>
  (await t.deps.db.select({ isPremium: users.isPremium }).from(users).where(eq(users.id, userId)))[0]
    ?.isPremium;

describe('user.upgradeToPremium', () => {
  it('is refused with FORBIDDEN by default, and audited', async () => {
    const { user, accessToken } = await createUser(t);
    const client = api.client(accessToken);
    await expect(client.user.upgradeToPremium.mutate()).rejects.toMatchObject({
      data: { errorCode: 'FORBIDDEN', httpStatus: 403 },
    });
    expect((await client.user.get.query()).isPremium).toBe(false);
    expect(await auditOf('premium_upgrade_refused', 'actorUserId', user.id)).toHaveLength(1);
    expect(await t.deps.db.select().from(entitlements).where(eq(entitlements.userId, user.id))).toEqual([]);
  });

  it('grants a permanent dev entitlement when ALLOW_DEV_PREMIUM_UPGRADE is on', async () => {
    const dev = await createTestApp({ env: { ALLOW_DEV_PREMIUM_UPGRADE: 'true' } });
    try {
      const { user, accessToken } = await createUser(dev);
      const profile = await inProcessApi(dev).client(accessToken).user.upgradeToPremium.mutate();
      expect(profile.isPremium).toBe(true);
      expect(await storedFlag(user.id)).toBe(true);
      expect(await t.deps.db.select().from(entitlements).where(eq(entitlements.userId, user.id))).toEqual([
        expect.objectContaining({ entitlement: 'premium', source: 'dev', expiresAt: null, revokedAt: null }),
      ]);
      expect(await auditOf('premium_granted', 'actorUserId', user.id)).toEqual([
        expect.objectContaining({ details: { source: 'dev', entitlement: 'premium' } }),
      ]);
    } finally {
      await dev.close();
    }
  });
});

describe('admin.setPremium', () => {
  it('is forbidden to a normal user', async () => {
    const member = await createUser(t);
    const target = await createUser(t);
    await expect(
      api
        .client(member.accessToken)
        .admin.setPremium.mutate({ userId: target.user.id, premium: true, reason: 'x' }),
    ).rejects.toMatchObject({ data: { errorCode: 'FORBIDDEN', httpStatus: 403 } });
    expect(await storedFlag(target.user.id)).toBe(false);
  });

  it('grants and revokes premium for an administrator, audited with the reason', async () => {
    const admin = api.client((await createUser(t, { role: 'admin' })).accessToken);
    const target = await createUser(t);
    const targetClient = api.client(target.accessToken);

    expect(
      await admin.admin.setPremium.mutate({
        userId: target.user.id,
        premium: true,
        reason: 'support ticket 42',
      }),
    ).toEqual({ userId: target.user.id, isPremium: true });
    expect((await targetClient.user.get.query()).isPremium).toBe(true);
    expect(await storedFlag(target.user.id)).toBe(true);
    expect(await targetClient.user.canSendMessage.query()).toEqual({ canSend: true, messagesLeft: -1 });

    // Revoking takes every live entitlement, a store one included.
    await t.deps.db
      .insert(entitlements)
      .values({ userId: target.user.id, entitlement: 'pro', source: 'revenuecat', expiresAt: null });
    expect(
      await admin.admin.setPremium.mutate({ userId: target.user.id, premium: false, reason: 'chargeback' }),
    ).toEqual({ userId: target.user.id, isPremium: false });
    expect((await targetClient.user.get.query()).isPremium).toBe(false);
    expect(await storedFlag(target.user.id)).toBe(false);

    expect(await auditOf('premium_granted', 'target', target.user.id)).toEqual([
      expect.objectContaining({
        severity: 'high',
        details: { source: 'admin', reason: 'support ticket 42' },
      }),
    ]);
    const [revoked] = await auditOf('premium_revoked', 'target', target.user.id);
    expect(revoked?.details).toMatchObject({ source: 'admin', reason: 'chargeback' });
    expect(revoked?.details.revoked).toHaveLength(2);
  });

  it('answers NOT_FOUND for an unknown user and VALIDATION_ERROR without a reason', async () => {
    const admin = api.client((await createUser(t, { role: 'admin' })).accessToken);
    await expect(
      admin.admin.setPremium.mutate({ userId: randomUUID(), premium: true, reason: 'x' }),
    ).rejects.toMatchObject({ data: { errorCode: 'NOT_FOUND' } });
    await expect(
      admin.admin.setPremium.mutate({ userId: randomUUID(), premium: true, reason: '' }),
    ).rejects.toMatchObject({ data: { errorCode: 'VALIDATION_ERROR' } });
    await expect(
      admin.admin.setPremium.mutate({ userId: 'not-a-uuid', premium: true, reason: 'x'.repeat(501) }),
    ).rejects.toMatchObject({ data: { errorCode: 'VALIDATION_ERROR' } });
  });
});
