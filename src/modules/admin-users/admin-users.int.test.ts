import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { auditEvents, userActivityDaily, users } from '../../db/schema/index.js';

let t: TestApp;
let admin: TestUser;
let member: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await createUser(t, { role: 'admin' });
  member = await createUser(t);
});
afterAll(() => t.close());

const auditOf = (event: string, target: string) =>
  t.deps.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.event, event), eq(auditEvents.target, target)));
const call = (path: string, input: unknown, who: TestUser = admin) =>
  trpcCall(t, path, input, { headers: { authorization: who.authorization } });
/** Creates users one after another, so their creation times (and the search order) are distinct. */
async function createUsers(count: number, name: (index: number) => string) {
  const created: TestUser[] = [];
  for (let index = 0; index < count; index++) created.push(await createUser(t, { name: name(index) }));
  return created;
}

describe('admin.users.search', () => {
  it('finds by name fragment, newest first, and pages by cursor without gaps or repeats', async () => {
    const tag = `Pg${randomUUID().slice(0, 6)}`;
    const created = await createUsers(5, (index) => `${tag} learner ${index}`);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const result = await admin.client.admin.users.search.query({
        query: tag.toLowerCase(),
        limit: 2,
        ...(cursor && { cursor }),
      });
      seen.push(...result.items.map((item) => item.id));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual(created.map((user) => user.user.id).reverse());
  });

  it('treats % and _ in the query as themselves', async () => {
    const tag = `Wc${randomUUID().slice(0, 6)}`;
    const [literal] = await createUsers(1, () => `${tag} 100%_x`);
    await createUsers(1, () => `${tag} 1000ax`);
    const result = await admin.client.admin.users.search.query({ query: `${tag} 100%_` });
    expect(result.items.map((item) => item.id)).toEqual([literal!.user.id]);
  });

  it('finds by email fragment in any case, and by exact id', async () => {
    const target = await createUser(t);
    const fragment = target.user.email.split('@')[0]!.toUpperCase();
    const byEmail = await admin.client.admin.users.search.query({ query: fragment });
    expect(byEmail.items).toEqual([
      expect.objectContaining({
        id: target.user.id,
        email: target.user.email,
        name: 'Test User',
        role: 'user',
        isPremium: false,
        createdAt: expect.any(Date),
        lastActiveAt: expect.any(Date),
      }),
    ]);
    const byId = await admin.client.admin.users.search.query({ query: target.user.id });
    expect(byId.items.map((item) => item.id)).toEqual([target.user.id]);
    expect(byId.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not issue with 400', async () => {
    const answer = await call('admin.users.search', { cursor: Buffer.from('x|y').toString('base64url') });
    expect(answer.status).toBe(400);
    expect(answer.codes).toEqual(['BAD_REQUEST']);
  });
});

describe('admin.users.get', () => {
  it('answers the profile, stats and sessions', async () => {
    const target = await createUser(t);
    const result = await admin.client.admin.users.get.query({ userId: target.user.id });
    expect(result.user).toMatchObject({
      id: target.user.id,
      email: target.user.email,
      role: 'user',
      isPremium: false,
      emailVerified: false,
    });
    expect(result.stats).toEqual({ xp: 0, lessonsCompleted: 0, streak: 0 });
    expect(result.sessions).toEqual([
      expect.objectContaining({
        id: target.sessionId,
        userAgent: 'vitest',
        device: 'vitest',
        revoked: false,
      }),
    ]);
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    expect((await call('admin.users.get', { userId: randomUUID() })).codes).toEqual(['NOT_FOUND']);
  });
});

describe('admin.users mutations', () => {
  it('setPremium grants premium, audited', async () => {
    const target = await createUser(t);
    expect(
      await admin.client.admin.users.setPremium.mutate({
        userId: target.user.id,
        premium: true,
        reason: 'ticket 7',
      }),
    ).toEqual({ userId: target.user.id, isPremium: true });
    expect(await auditOf('premium_granted', target.user.id)).toEqual([
      expect.objectContaining({ actorUserId: admin.user.id }),
    ]);
  });

  it('revokeSessions ends every live session at once, audited', async () => {
    const target = await createUser(t);
    expect((await call('user.get', undefined, target)).status).toBe(200);
    expect(await admin.client.admin.users.revokeSessions.mutate({ userId: target.user.id })).toEqual({
      revoked: 1,
    });
    expect((await call('user.get', undefined, target)).status).toBe(401);
    expect(await auditOf('admin_sessions_revoked', target.user.id)).toEqual([
      expect.objectContaining({ actorUserId: admin.user.id, severity: 'high', details: { revoked: 1 } }),
    ]);
    expect(await admin.client.admin.users.revokeSessions.mutate({ userId: target.user.id })).toEqual({
      revoked: 0,
    });
    const { sessions } = await admin.client.admin.users.get.query({ userId: target.user.id });
    expect(sessions.map((session) => session.revoked)).toEqual([true]);
    expect((await call('admin.users.revokeSessions', { userId: randomUUID() })).codes).toEqual(['NOT_FOUND']);
  });

  it('erase refuses a wrong confirmEmail and keeps the account', async () => {
    const target = await createUser(t);
    const answer = await call('admin.users.erase', {
      userId: target.user.id,
      confirmEmail: 'someone@example.com',
    });
    expect(answer.status).toBe(400);
    expect(answer.codes).toEqual(['VALIDATION_ERROR']);
    expect(await t.deps.db.select().from(users).where(eq(users.id, target.user.id))).toHaveLength(1);
    expect(await auditOf('admin_account_erased', target.user.id)).toEqual([]);
  });

  it("erase refuses the admin's own account", async () => {
    const answer = await call('admin.users.erase', { userId: admin.user.id, confirmEmail: admin.user.email });
    expect(answer.status).toBe(403);
    expect(await t.deps.db.select().from(users).where(eq(users.id, admin.user.id))).toHaveLength(1);
  });

  it('erase removes the account and its activity rows, ends its sessions, and is audited', async () => {
    const target = await createUser(t);
    await t.deps.db.execute(
      sql`insert into user_activity_daily (day, user_id, xp) values ('2020-01-01', ${target.user.id}, 5)`,
    );
    // The learner's own export carries their activity rows.
    const exported = await target.client.user.exportData.query();
    expect(exported.data.user_activity_daily).toEqual([
      expect.objectContaining({ day: '2020-01-01', userId: target.user.id, xp: 5 }),
    ]);
    const result = await admin.client.admin.users.erase.mutate({
      userId: target.user.id,
      confirmEmail: target.user.email.toUpperCase(),
    });
    expect(result).toEqual({ erased: true });
    expect(await t.deps.db.select().from(users).where(eq(users.id, target.user.id))).toEqual([]);
    expect(
      await t.deps.db.select().from(userActivityDaily).where(eq(userActivityDaily.userId, target.user.id)),
    ).toEqual([]);
    expect((await call('user.get', undefined, target)).status).toBe(401);
    expect(await auditOf('admin_account_erased', target.user.id)).toEqual([
      expect.objectContaining({
        actorUserId: admin.user.id,
        severity: 'high',
        details: { sessionsEnded: 1 },
      }),
    ]);
    expect(
      (await call('admin.users.erase', { userId: target.user.id, confirmEmail: target.user.email })).codes,
    ).toEqual(['NOT_FOUND']);
  });
});

describe('admin.users access', () => {
  it('refuses a signed-in non-admin with 403 on every procedure, changing nothing', async () => {
    const target = await createUser(t);
    const calls: [string, unknown][] = [
      ['admin.users.search', {}],
      ['admin.users.get', { userId: target.user.id }],
      ['admin.users.setPremium', { userId: target.user.id, premium: true, reason: 'x' }],
      ['admin.users.revokeSessions', { userId: target.user.id }],
      ['admin.users.erase', { userId: target.user.id, confirmEmail: target.user.email }],
    ];
    for (const [path, input] of calls) expect((await call(path, input, member)).status, path).toBe(403);
    expect((await call('user.get', undefined, target)).status).toBe(200);
  });
});
