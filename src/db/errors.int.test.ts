import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../test/factories.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { AppError } from '../lib/errors.js';
import { userSettings, users, xpEvents } from './schema/index.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** Runs `work` in a transaction of the app's database and returns what it threw. */
async function refusalOf(work: Parameters<TestApp['deps']['db']['transaction']>[0]): Promise<unknown> {
  return t.deps.db.transaction(work).then(
    () => {
      throw new Error('the statement was expected to fail');
    },
    (error: unknown) => error,
  );
}

describe('database refusals leave the data layer as typed 4xx errors', () => {
  it('a check constraint: VALIDATION_ERROR naming the field, not the constraint', async () => {
    const { user } = await createUser(t);
    const error = await refusalOf((tx) =>
      tx.update(users).set({ dailyGoalMinutes: 500 }).where(sql`${users.id} = ${user.id}`),
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'VALIDATION_ERROR',
      status: 400,
      issues: [{ path: 'dailyGoalMinutes', code: 'OUT_OF_RANGE' }],
    });
    expect((error as AppError).message).not.toContain('users_daily_goal_minutes_check');
  });

  it('a unique index: CONFLICT naming the field, never the value', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const error = await refusalOf((tx) =>
      tx.update(users).set({ email: alice.user.email }).where(sql`${users.id} = ${bob.user.id}`),
    );
    expect(error).toMatchObject({ code: 'CONFLICT', issues: [{ path: 'email', code: 'ALREADY_EXISTS' }] });
    expect(JSON.stringify(t.logs.lines)).not.toContain(alice.user.email);
  });

  it('a foreign key to a missing row: NOT_FOUND naming the field', async () => {
    const error = await refusalOf((tx) =>
      tx.insert(xpEvents).values({ userId: randomUUID(), amount: 5, source: 'adjustment', refId: 'test' }),
    );
    expect(error).toMatchObject({ code: 'NOT_FOUND', issues: [{ path: 'userId', code: 'NOT_FOUND' }] });
  });

  it('text that is not a valid value of its type: VALIDATION_ERROR without echoing it', async () => {
    const error = await refusalOf((tx) => tx.execute(sql`select * from users where id = ${'not-a-uuid'}`));
    expect(error).toMatchObject({ code: 'VALIDATION_ERROR', status: 400 });
    expect((error as AppError).message).not.toContain('not-a-uuid');
  });

  it('a fault that is not the client’s stays a fault', async () => {
    const error = await refusalOf((tx) => tx.execute(sql`select * from no_such_table`));
    expect(error).not.toBeInstanceOf(AppError);
  });

  it('a refusal outside a transaction becomes the same 4xx through the HTTP error funnel', async () => {
    const { user } = await createUser(t);
    t.app.post('/api/__test/reminder', async (c) => {
      await t.deps.db.update(userSettings).set({ reminderTime: '25:99' }).where(sql`user_id = ${user.id}`);
      return c.json({ ok: true });
    });
    const response = await t.request('/api/__test/reminder', {
      method: 'POST',
      headers: { 'x-correlation-id': 'db-refusal-1' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'reminderTime is not an allowed value',
      requestId: 'db-refusal-1',
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      issues: [
        { path: 'reminderTime', code: 'OUT_OF_RANGE', message: 'reminderTime is not an allowed value' },
      ],
    });
    expect(t.logs.withRequestId('db-refusal-1')).toContainEqual(
      expect.objectContaining({
        msg: 'database refused a change',
        db: expect.objectContaining({ sqlstate: '23514', constraint: 'user_settings_reminder_time_check' }),
      }),
    );
  });
});
