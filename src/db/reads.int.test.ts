import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import type { Db, Tx } from './client.js';
import { readAll } from './reads.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** Three reads of 20 ms each; the log says when each one started and finished. */
async function traced(db: Db | Tx) {
  const log: string[] = [];
  const read = (name: string) => async () => {
    log.push(`start ${name}`);
    await db.execute(sql`select pg_sleep(0.02)`);
    log.push(`end ${name}`);
    return name;
  };
  const results = await readAll(db, [read('a'), read('b'), read('c')]);
  return { results, log };
}

describe('readAll', () => {
  it('starts every read at once on the pool', async () => {
    const { results, log } = await traced(t.deps.db);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log.slice(0, 3)).toEqual(['start a', 'start b', 'start c']);
  });

  it('inside a transaction, starts each read after the previous one has finished', async () => {
    const { results, log } = await t.deps.db.transaction((tx) => traced(tx));
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
