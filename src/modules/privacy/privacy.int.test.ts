import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientWithToken, createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { queryRows } from '../../db/client.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** Every base table of the public schema. */
const allTables = async () =>
  (
    await queryRows<{ name: string }>(
      t.deps.db,
      sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    )
  ).map((row) => row.name);

/** Tables with a user_id column and how many rows each holds for the user. */
async function userRowCounts(userId: string): Promise<Record<string, number>> {
  const tables = await queryRows<{ name: string }>(
    t.deps.db,
    sql`select table_name as name from information_schema.columns where table_schema = 'public' and column_name = 'user_id'`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await queryRows<{ count: number }>(
      t.deps.db,
      sql`select count(*)::int as count from ${sql.identifier(name)} where user_id = ${userId}`,
    );
    counts[name] = row!.count;
  }
  return counts;
}

/** A phrase only this user's data contains. */
const marker = (userId: string) => `marker-${userId.slice(0, 8)}`;

/** Gives the user rows in many tables through the real API and a few direct inserts. */
async function activeUser() {
  const alice = await createUser(t);
  const anonymous = await clientWithToken(t, null);
  await anonymous.auth.login
    .mutate({ email: alice.user.email, password: 'Wrong-Pass-1' })
    .catch(() => undefined);
  await anonymous.auth.login.mutate({ email: alice.user.email, password: alice.password });
  await anonymous.auth.requestPasswordReset.mutate({ email: alice.user.email });
  await alice.client.auth.updateProfile.mutate({ bio: `Learning Portuguese ${marker(alice.user.id)}` });
  await alice.client.preferences.upsert.mutate({
    profile: {
      version: 1,
      personas: ['BUSY_MICROSESSIONS'],
      srs: { newPerDay: 10, reviewCap: 40, easeAdjPct: -5 },
      lessonPlan: {
        microLessonMins: 5,
        composition: { speaking: 30, grammar: 10, vocab: 20, listening: 20, reading: 10, writing: 10 },
      },
      speech: { ttsVoice: 'pt-BR' },
      notifications: {},
      accessibility: {},
      dialect: marker(alice.user.id),
    },
  });
  const id = alice.user.id;
  await t.deps.db.execute(
    sql`insert into vocabulary (user_id, word, translation, language) values (${id}, 'saudade', 'longing', 'pt')`,
  );
  await t.deps.db.execute(
    sql`insert into chat_messages (user_id, text, is_user, language) values (${id}, 'Olá, tudo bem?', true, 'pt')`,
  );
  await t.deps.db.execute(
    sql`insert into analytics_events (user_id, event, properties, occurred_at) values (${id}, 'lesson_completed', '{"xp": 10}', now())`,
  );
  return alice;
}

describe('user.exportData', () => {
  it("contains every table's rows for the user and no secret hashes", async () => {
    const alice = await activeUser();
    const exported = await alice.client.user.exportData.query();
    const counts = await userRowCounts(alice.user.id);
    for (const [table, count] of Object.entries(counts)) {
      expect(exported.data[table], table).toHaveLength(count);
    }
    expect(counts.vocabulary).toBe(1);
    expect(counts.preference_profiles).toBe(1);
    expect(counts.auth_sessions).toBe(2);
    expect(exported.data.users).toHaveLength(1);
    expect((exported.data.audit_events ?? []).length).toBeGreaterThan(2);
    expect((exported.data.refresh_tokens ?? []).length).toBe(2);
    expect(JSON.stringify(exported)).not.toMatch(
      /password_hash|passwordHash|token_hash|tokenHash|codeHash|\$argon2/,
    );
  });
});

describe('auth.deleteAccount', () => {
  it('needs the password and the word DELETE', async () => {
    const alice = await createUser(t);
    await expect(
      alice.client.auth.deleteAccount.mutate({
        password: alice.password,
        confirmation: 'delete' as 'DELETE',
      }),
    ).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
    });
    await expect(
      alice.client.auth.deleteAccount.mutate({ password: 'Wrong-Pass-1', confirmation: 'DELETE' }),
    ).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
  });

  it('leaves no personal data in any table, only anonymised audit rows', async () => {
    const alice = await activeUser();
    const { id, email } = alice.user;
    await alice.client.auth.deleteAccount.mutate({ password: alice.password, confirmation: 'DELETE' });

    const traces: string[] = [];
    for (const table of await allTables()) {
      const [row] = await queryRows<{ count: number }>(
        t.deps.db,
        sql`select count(*)::int as count from ${sql.identifier(table)} as r
            where r::text like ${`%${id}%`} or lower(r::text) like ${`%${email}%`} or r::text like ${`%${marker(id)}%`}`,
      );
      if (row!.count > 0) traces.push(`${table}: ${row!.count}`);
    }
    expect(traces).toEqual([]);
    const [deleted] = await queryRows<{ count: number }>(
      t.deps.db,
      sql`select count(*)::int as count from audit_events where event = 'account_deleted' and actor_user_id is null`,
    );
    expect(deleted!.count).toBeGreaterThan(0);
    await expect(alice.client.auth.getCurrentUser.query()).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
  });

  it('keeps the audit trail append-only for everything but anonymisation', async () => {
    await expect(t.deps.db.execute(sql`delete from audit_events`)).rejects.toMatchObject({
      cause: { message: expect.stringContaining('append-only') },
    });
    await expect(
      t.deps.db.execute(sql`update audit_events set event = 'nothing_happened'`),
    ).rejects.toMatchObject({
      cause: { message: expect.stringContaining('append-only') },
    });
  });
});
