import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../test/factories.js';
import { CapturedLogs, createTestApp, type TestApp, testEnv, usingPostgres } from '../../test/harness.js';
import { queryRows } from '../db/client.js';
import { daysOfArgs, runReportsRollup } from './reports-rollup.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('npm run reports:rollup', () => {
  it('reads single days and inclusive ranges, and refuses anything else', () => {
    expect(daysOfArgs(['2024-02-28..2024-03-01', '2024-01-05', '2024-02-29'])).toEqual([
      '2024-01-05',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
    for (const bad of [
      ['2024-02-30'],
      ['2024-03-02..2024-03-01'],
      ['yesterday'],
      ['2024-01-01..2024-01-02..2024-01-03'],
    ])
      expect(() => daysOfArgs(bad), bad.join(' ')).toThrow(/usage/);
    expect(() => daysOfArgs(['2023-01-01..2024-01-02'])).toThrow(/at most 366 days/);
  });

  // The command opens the configured database: the run's PostgreSQL (embedded runs have one per file).
  it.skipIf(!usingPostgres())('computes the named days of the report tables', async () => {
    const day = new Date(Date.parse('1995-01-01T00:00:00Z') + Math.floor(Math.random() * 2_000) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const { user } = await createUser(t);
    await t.deps.db.execute(
      sql`update users set created_at = ${`${day}T08:00:00Z`}::timestamptz where id = ${user.id}`,
    );
    const signups = async () =>
      (
        await queryRows<{ value: string }>(
          t.deps.db,
          sql`select value::text from report_daily where day = ${day}::date and metric = 'signups'`,
        )
      ).map((row) => Number(row.value));
    expect(await signups()).toEqual([]);
    const days = await runReportsRollup(testEnv({ ACCESS_LOG: 'off' }), [day], {
      logDestination: new CapturedLogs(),
    });
    expect(days).toEqual([day]);
    expect(await signups()).toEqual([1]);
  });
});
