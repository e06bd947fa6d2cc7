import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/factories.js';
import { createTestApp, type TestApp, unique } from '../../../test/harness.js';

let t: TestApp;
let admin: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  admin = await createUser(t, { role: 'admin' });
});
afterAll(() => t.close());

const newKey = () => unique('flag').toLowerCase();

describe('admin.flags.*', () => {
  it('creates, updates, overrides and deletes a flag, each change audited with before and after', async () => {
    const alice = await createUser(t);
    const key = newKey();
    const created = await admin.client.admin.flags.set.mutate({
      key,
      description: 'New review screen',
      enabled: false,
      rolloutPercent: 10,
    });
    expect(created).toMatchObject({
      key,
      description: 'New review screen',
      enabled: false,
      rolloutPercent: 10,
    });
    expect(created.updatedAt).toBeInstanceOf(Date);

    const updated = await admin.client.admin.flags.set.mutate({ key, enabled: true, rolloutPercent: 50 });
    expect(updated).toMatchObject({ description: 'New review screen', enabled: true, rolloutPercent: 50 });
    expect(await t.deps.flags.isEnabled(key, null)).toBe(false);

    const overridden = await admin.client.admin.flags.setOverride.mutate({
      key,
      userId: alice.user.id,
      value: true,
    });
    expect(overridden.overrides).toEqual([{ userId: alice.user.id, value: true }]);
    expect(await t.deps.flags.isEnabled(key, alice.user.id)).toBe(true);
    const listed = (await admin.client.admin.flags.list.query()).flags.find((flag) => flag.key === key);
    expect(listed).toMatchObject({
      enabled: true,
      rolloutPercent: 50,
      overrides: [{ userId: alice.user.id }],
    });

    const removed = await admin.client.admin.flags.removeOverride.mutate({ key, userId: alice.user.id });
    expect(removed.overrides).toEqual([]);

    expect(await admin.client.admin.flags.delete.mutate({ key })).toEqual({ deleted: true });
    expect(await admin.client.admin.flags.delete.mutate({ key })).toEqual({ deleted: false });
    expect((await admin.client.admin.flags.list.query()).flags.map((flag) => flag.key)).not.toContain(key);

    const { events } = await admin.client.admin.auditEvents.query({ actorUserId: admin.user.id, limit: 200 });
    const ofFlag = events
      .filter((event) => (event.details as { key?: string }).key === key)
      .reverse()
      .map((event) => ({ event: event.event, target: event.target, details: event.details }));
    expect(ofFlag).toEqual([
      {
        event: 'feature_flag_changed',
        target: key,
        details: {
          key,
          before: null,
          after: { description: 'New review screen', enabled: false, rolloutPercent: 10 },
        },
      },
      {
        event: 'feature_flag_changed',
        target: key,
        details: {
          key,
          before: { description: 'New review screen', enabled: false, rolloutPercent: 10 },
          after: { description: 'New review screen', enabled: true, rolloutPercent: 50 },
        },
      },
      {
        event: 'feature_flag_override_set',
        target: alice.user.id,
        details: { key, before: null, after: true },
      },
      {
        event: 'feature_flag_override_removed',
        target: alice.user.id,
        details: { key, before: true, after: null },
      },
      {
        event: 'feature_flag_deleted',
        target: key,
        details: {
          key,
          before: { description: 'New review screen', enabled: true, rolloutPercent: 50 },
          after: null,
        },
      },
    ]);
  });

  it('refuses ordinary users with 403 and anonymous callers with 401, changing nothing', async () => {
    const member = await createUser(t);
    const key = newKey();
    for (const call of [
      () => member.client.admin.flags.list.query(),
      () => member.client.admin.flags.set.mutate({ key, enabled: true, rolloutPercent: 100 }),
      () => member.client.admin.flags.setOverride.mutate({ key, userId: member.user.id, value: true }),
      () => member.client.admin.flags.removeOverride.mutate({ key, userId: member.user.id }),
      () => member.client.admin.flags.delete.mutate({ key }),
    ]) {
      await expect(call()).rejects.toMatchObject({ data: { code: 'FORBIDDEN', httpStatus: 403 } });
    }
    const anonymous = await t.trpc();
    await expect(anonymous.admin.flags.list.query()).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED', httpStatus: 401 },
    });
    expect((await admin.client.admin.flags.list.query()).flags.map((flag) => flag.key)).not.toContain(key);
  });

  it('answers bad input with 400 and unknown flags or users with 404', async () => {
    for (const input of [
      { key: 'Upper', enabled: true, rolloutPercent: 10 },
      { key: 'x', enabled: true, rolloutPercent: 10 },
      { key: '1abc', enabled: true, rolloutPercent: 10 },
      { key: newKey(), enabled: true, rolloutPercent: 101 },
      { key: newKey(), enabled: true, rolloutPercent: 5.5 },
      { key: newKey(), enabled: true, rolloutPercent: 10, description: 'd'.repeat(501) },
    ]) {
      await expect(admin.client.admin.flags.set.mutate(input)).rejects.toMatchObject({
        data: { errorCode: 'VALIDATION_ERROR', httpStatus: 400 },
      });
    }
    await expect(
      admin.client.admin.flags.setOverride.mutate({ key: newKey(), userId: admin.user.id, value: true }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND', httpStatus: 404 } });
    const key = newKey();
    await admin.client.admin.flags.set.mutate({ key, enabled: true, rolloutPercent: 100 });
    await expect(
      admin.client.admin.flags.setOverride.mutate({ key, userId: randomUUID(), value: true }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND', httpStatus: 404 } });
    await expect(
      admin.client.admin.flags.removeOverride.mutate({ key: newKey(), userId: admin.user.id }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND', httpStatus: 404 } });
  });

  it("goes with the user's account: overrides are erased, the flag stays", async () => {
    const bob = await createUser(t);
    const key = newKey();
    await admin.client.admin.flags.set.mutate({ key, enabled: false, rolloutPercent: 0 });
    await admin.client.admin.flags.setOverride.mutate({ key, userId: bob.user.id, value: true });
    await bob.client.auth.deleteAccount.mutate({ password: bob.password, confirmation: 'DELETE' });
    const flag = (await admin.client.admin.flags.list.query()).flags.find((entry) => entry.key === key);
    expect(flag?.overrides).toEqual([]);
  });
});
