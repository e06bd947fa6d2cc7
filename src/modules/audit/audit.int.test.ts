import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientWithToken, createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { recordAudit } from './service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('admin.auditEvents', () => {
  it('filters by actor and event and pages with a stable cursor', async () => {
    const admin = await createUser(t, { role: 'admin' });
    const alice = await createUser(t);
    const anonymous = await clientWithToken(t, null);
    for (let attempt = 0; attempt < 3; attempt++) {
      await anonymous.auth.login
        .mutate({ email: alice.user.email, password: 'Wrong-Pass-1' })
        .catch(() => undefined);
    }
    await anonymous.auth.login.mutate({ email: alice.user.email, password: alice.password });

    const all = await admin.client.admin.auditEvents.query({ actorUserId: alice.user.id });
    expect(all.events.map((event) => event.event).sort()).toEqual([
      'login_failed',
      'login_failed',
      'login_failed',
      'login_succeeded',
    ]);
    expect(all.events[0]!.event).toBe('login_succeeded');
    expect(all.nextCursor).toBeNull();

    const first = await admin.client.admin.auditEvents.query({
      actorUserId: alice.user.id,
      event: 'login_failed',
      limit: 2,
    });
    expect(first.events).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await admin.client.admin.auditEvents.query({
      actorUserId: alice.user.id,
      event: 'login_failed',
      limit: 2,
      cursor: first.nextCursor!,
    });
    expect(second.events).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.events, ...second.events].map((event) => event.id);
    expect(new Set(ids).size).toBe(3);
  });

  it('filters by severity and by a time range, bounds included', async () => {
    const admin = await createUser(t, { role: 'admin' });
    const carol = await createUser(t);
    const audit = { db: t.deps.db, log: t.deps.log };
    await recordAudit(audit, { event: 'profile_updated', severity: 'low', actorUserId: carol.user.id });
    await sleep(5);
    await recordAudit(audit, { event: 'password_changed', severity: 'high', actorUserId: carol.user.id });
    const query = (filter: { severity?: 'low' | 'high'; from?: Date; to?: Date }) =>
      admin.client.admin.auditEvents
        .query({ actorUserId: carol.user.id, ...filter })
        .then(({ events }) => events.map((event) => event.event));

    const [changed, updated] = (await admin.client.admin.auditEvents.query({ actorUserId: carol.user.id }))
      .events;
    expect([changed?.event, updated?.event]).toEqual(['password_changed', 'profile_updated']);
    expect(await query({ severity: 'high' })).toEqual(['password_changed']);
    expect(await query({ severity: 'low' })).toEqual(['profile_updated']);
    expect(await query({ from: changed!.createdAt })).toEqual(['password_changed']);
    expect(await query({ to: updated!.createdAt })).toEqual(['profile_updated']);
    expect(await query({ from: updated!.createdAt, to: changed!.createdAt, severity: 'low' })).toEqual([
      'profile_updated',
    ]);
  });

  it('pages through events written in one transaction without losing any', async () => {
    const admin = await createUser(t, { role: 'admin' });
    const bob = await createUser(t);
    // One transaction, as a lockout writes login_failed and account_locked: the rows share a timestamp.
    await t.deps.db.transaction(async (tx) => {
      for (const event of ['login_failed', 'account_locked', 'password_reset'] as const)
        await recordAudit({ db: tx, log: t.deps.log }, { event, severity: 'high', actorUserId: bob.user.id });
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 4; page++) {
      const result = await admin.client.admin.auditEvents.query({
        actorUserId: bob.user.id,
        limit: 1,
        ...(cursor && { cursor }),
      });
      seen.push(...result.events.map((event) => event.event));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen.sort()).toEqual(['account_locked', 'login_failed', 'password_reset']);
  });

  it('rejects a forged cursor with 400, and ordinary users with 403', async () => {
    const admin = await createUser(t, { role: 'admin' });
    await expect(admin.client.admin.auditEvents.query({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
    });
    const alice = await createUser(t);
    await expect(alice.client.admin.auditEvents.query({})).rejects.toMatchObject({
      data: { code: 'FORBIDDEN' },
    });
  });
});
