import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientWithToken, createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';

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
