import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/harness.js';
import { queryRows } from '../client.js';

describe('database schema', () => {
  it('has an index leading with the columns of every foreign key', async () => {
    const { db } = await testDatabase();
    const unindexed = await queryRows<{ table: string; constraint: string }>(
      db,
      sql`select c.conrelid::regclass::text as table, c.conname as constraint
          from pg_constraint c
          where c.contype = 'f' and c.connamespace = 'public'::regnamespace
            and not exists (
              select 1 from pg_index i
              where i.indrelid = c.conrelid
                and (select array_agg(key.attnum)
                     from unnest(i.indkey::int2[]) with ordinality as key(attnum, ord)
                     where key.ord <= array_length(c.conkey, 1)) @> c.conkey
                and array_length(c.conkey, 1) <= i.indnkeyatts)`,
    );
    expect(unindexed).toEqual([]);
  });

  it('enforces the contract bounds with check constraints', async () => {
    const { db } = await testDatabase();
    const [row] = await queryRows<{ count: number }>(
      db,
      sql`select count(*)::int as count from pg_constraint
          where contype = 'c' and connamespace = 'public'::regnamespace`,
    );
    expect(row!.count).toBeGreaterThan(40);
    await expect(
      db.execute(
        sql`insert into users (email, password_hash, name, daily_goal_minutes) values ('a@b.co', 'x', 'A', 500)`,
      ),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/check constraint/) } });
    await expect(
      db.execute(sql`insert into users (email, password_hash, name) values ('Upper@Case.co', 'x', 'U')`),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/check constraint/) } });
  });
});
