import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { projectRoot } from '../../lib/project-root.js';
import { queryRows, type Tx } from '../client.js';
import { driverErrorOf } from '../errors.js';

/**
 * `analytics_events` is ready for monthly partitions: the steps README "Analytics events" gives, read
 * from the README itself, turn a copy of the migrated table (in a schema of its own, rolled back at the
 * end) into a partitioned table without moving its rows, and new months take new rows.
 */

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** The README's SQL blocks of the partitioning paragraph, as statements, BEGIN and COMMIT left out. */
function readmeStatements(): string[][] {
  const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('**Partitioning.**'), readme.indexOf('## Layout'));
  return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map(([, block]) =>
    block!
      .split('\n')
      .map((line) => line.replace(/--.*$/, ''))
      .join('\n')
      .split(';')
      .map((statement) => statement.trim())
      .filter((statement) => statement && !/^(BEGIN|COMMIT)$/i.test(statement)),
  );
}

class RolledBack extends Error {}

const partitionsOf = (tx: Tx) =>
  queryRows<{ partition: string; n: number }>(
    tx,
    sql`select tableoid::regclass::text as "partition", count(*)::int as "n"
      from analytics_events group by 1 order by 1`,
  );

async function refusal(tx: Tx, statement: ReturnType<typeof sql>): Promise<string | undefined> {
  try {
    await tx.transaction(async (savepoint) => {
      await savepoint.execute(statement);
    });
    return undefined;
  } catch (error) {
    return driverErrorOf(error)?.code;
  }
}

describe('analytics_events partitioning', () => {
  it('has the time in its only unique key, the primary key (user_id, occurred_at, id)', async () => {
    const keys = await queryRows<{ name: string; definition: string }>(
      t.deps.db,
      sql`select conname as "name", pg_get_constraintdef(oid) as "definition" from pg_constraint
        where conrelid = 'public.analytics_events'::regclass and contype in ('p', 'u')`,
    );
    expect(keys).toEqual([
      {
        name: 'analytics_events_user_id_occurred_at_id_pk',
        definition: 'PRIMARY KEY (user_id, occurred_at, id)',
      },
    ]);
  });

  it('turns into monthly partitions by the README’s steps, the old rows staying where they are', async () => {
    const [convert, addMonth] = readmeStatements();
    expect(convert!.length).toBeGreaterThan(5);
    const alice = await createUser(t);
    const insert = (at: string, id = randomUUID()) =>
      sql`insert into analytics_events (id, user_id, event, occurred_at)
        values (${id}, ${alice.user.id}, 'app_opened', ${at}::timestamptz)`;
    const scratch = `partitioning_${randomUUID().slice(0, 8)}`;

    const run = t.deps.db.transaction(async (tx) => {
      // A copy of the table as the migrations make it, in a schema searched before public.
      await tx.execute(sql.raw(`create schema ${scratch}`));
      await tx.execute(sql.raw(`set local search_path to ${scratch}, public`));
      await tx.execute(sql`create table analytics_events (like public.analytics_events including all)`);
      await tx.execute(
        sql`alter table analytics_events rename constraint analytics_events_pkey to analytics_events_user_id_occurred_at_id_pk`,
      );
      await tx.execute(sql`alter table analytics_events add constraint analytics_events_user_id_users_id_fk
        foreign key (user_id) references users(id) on delete cascade`);
      await tx.execute(insert('2026-06-15T10:00:00Z'));
      await tx.execute(insert('2026-12-31T23:59:59.999Z'));

      for (const statement of convert!) await tx.execute(sql.raw(statement));

      const kind = await queryRows<{ kind: string }>(
        tx,
        sql`select relkind::text as "kind" from pg_class where oid = 'analytics_events'::regclass`,
      );
      expect(kind).toEqual([{ kind: 'p' }]);
      await tx.execute(insert('2027-01-01T00:00:00Z'));
      expect(await partitionsOf(tx)).toEqual([
        { partition: 'analytics_events_2027_01', n: 1 },
        { partition: 'analytics_events_before_2027_01', n: 2 },
      ]);
      // The key is still unique across partitions, and a month without a partition takes nothing.
      const id = randomUUID();
      await tx.execute(insert('2027-01-20T00:00:00Z', id));
      expect(await refusal(tx, insert('2027-01-20T00:00:00Z', id))).toBe('23505');
      expect(await refusal(tx, insert('2027-02-10T00:00:00Z'))).toBe('23514');

      for (const statement of addMonth!) await tx.execute(sql.raw(statement));
      await tx.execute(insert('2027-02-10T00:00:00Z'));
      expect(await partitionsOf(tx)).toEqual([
        { partition: 'analytics_events_2027_02', n: 1 },
        { partition: 'analytics_events_before_2027_01', n: 2 },
      ]);
      // Erasure still cascades through the partitioned table.
      await tx.execute(sql`delete from public.users where id = ${alice.user.id}`);
      expect(await partitionsOf(tx)).toEqual([]);
      throw new RolledBack();
    });
    await expect(run).rejects.toBeInstanceOf(RolledBack);
  });
});
