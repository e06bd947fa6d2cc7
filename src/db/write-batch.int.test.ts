import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import type { Tx } from './client.js';
import { queryRows } from './client.js';
import { WriteBatch } from './write-batch.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** Two scratch tables for the transaction; each row records the statement that wrote it. */
async function scratch(tx: Tx) {
  await tx.execute(sql`create temp table batch_a (v int, at timestamptz) on commit drop`);
  await tx.execute(sql`create temp table batch_b (v int, at timestamptz) on commit drop`);
  await tx.execute(sql`insert into batch_b values (0, statement_timestamp())`);
}

const rows = (tx: Tx) =>
  queryRows<{ t: string; v: number; at: string }>(
    tx,
    sql`select 'a' as t, v, at::text from batch_a union all select 'b', v, at::text from batch_b order by 1, 2`,
  );

describe('WriteBatch', () => {
  it('sends its writes as one statement, each write applied once', async () => {
    await t.deps.db.transaction(async (tx) => {
      await scratch(tx);
      const batch = new WriteBatch(tx);
      batch.add(sql`insert into batch_a values (1, statement_timestamp())`);
      batch.add(null);
      batch.add(sql`insert into batch_a values (2, statement_timestamp())`);
      batch.add(sql`update batch_b set v = v + 10, at = statement_timestamp()`);
      expect(await rows(tx)).toHaveLength(1); // nothing is sent before flush
      await batch.flush();
      const written = await rows(tx);
      expect(written.map(({ t, v }) => `${t}${v}`)).toEqual(['a1', 'a2', 'b10']);
      // statement_timestamp() is the start of the statement: one value means one statement.
      expect(new Set(written.map((row) => row.at)).size).toBe(1);
    });
  });

  it('sends a single write as it is, and nothing when empty; a flushed batch starts empty', async () => {
    await t.deps.db.transaction(async (tx) => {
      await scratch(tx);
      const batch = new WriteBatch(tx);
      await batch.flush();
      batch.add(sql`update batch_b set v = v + 1`);
      await batch.flush();
      await batch.flush();
      expect((await rows(tx)).map(({ t, v }) => `${t}${v}`)).toEqual(['b1']);
    });
  });

  it('fails as a whole: a refused write leaves none of the others', async () => {
    const outcome = await t.deps.db
      .transaction(async (tx) => {
        await scratch(tx);
        await tx.execute(sql`create temp table batch_c (v int check (v > 0)) on commit drop`);
        await tx.execute(sql`savepoint before_batch`);
        const batch = new WriteBatch(tx);
        batch.add(sql`insert into batch_a values (1, now())`);
        batch.add(sql`insert into batch_c values (-1)`);
        const error = await batch.flush().then(
          () => null,
          (caught: unknown) => caught,
        );
        await tx.execute(sql`rollback to savepoint before_batch`);
        return { error, written: await rows(tx) };
      })
      .catch((error: unknown) => ({ error, written: null }));
    expect(outcome.error).toBeTruthy();
    expect(outcome.written?.map(({ t, v }) => `${t}${v}`)).toEqual(['b0']);
  });
});
