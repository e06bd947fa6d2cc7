import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../../test/global-setup.js';
import { createLogger } from '../lib/logger.js';
import { type Database, openPglite, openPostgres, queryRows } from './client.js';
import { countPendingMigrations, runMigrations } from './migrate.js';

const log = createLogger({ level: 'silent', env: 'test' });
const adminUrl = inject('adminDatabaseUrl');

async function tableCount(database: Database): Promise<number> {
  const [row] = await queryRows<{ count: number }>(
    database.db,
    sql`select count(*)::int as count from information_schema.tables where table_schema = 'public'`,
  );
  return row!.count;
}

describe('migrations on embedded PGlite', () => {
  it('apply from empty, leave nothing pending, and are a no-op the second time', async () => {
    const database = await openPglite(null);
    try {
      expect(await countPendingMigrations(database.db)).toBeGreaterThan(0);
      const first = await runMigrations(database.db, log);
      expect(first.applied.length).toBe(first.total);
      expect(await countPendingMigrations(database.db)).toBe(0);
      expect(await tableCount(database)).toBeGreaterThanOrEqual(39);
      expect((await runMigrations(database.db, log)).applied).toEqual([]);
    } finally {
      await database.close();
    }
  });
});

describe.skipIf(!adminUrl)('migrations on PostgreSQL', () => {
  const created: string[] = [];
  const admin = () => new pg.Client({ connectionString: adminUrl! });

  async function emptyDatabase(): Promise<string> {
    const name = `linguamate_migrate_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    const client = admin();
    await client.connect();
    await client.query(`create database ${name}`);
    await client.end();
    created.push(name);
    return withDatabase(adminUrl!, name);
  }

  afterAll(async () => {
    const client = admin();
    await client.connect();
    for (const name of created) await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  });

  it('lets several instances migrate one empty database at once: all succeed, each migration applied once', async () => {
    const url = await emptyDatabase();
    const instances = await Promise.all(
      Array.from({ length: 5 }, () =>
        openPostgres({ url, poolMax: 2, statementTimeoutMs: 30_000, connectRetries: 0, log }),
      ),
    );
    try {
      const results = await Promise.all(instances.map((instance) => runMigrations(instance.db, log)));
      const total = results[0]!.total;
      // Exactly one instance applied everything; the others waited on the lock and found nothing to do.
      expect(results.map((result) => result.applied.length).sort()).toEqual([0, 0, 0, 0, total]);
      const [row] = await queryRows<{ count: number }>(
        instances[0]!.db,
        sql`select count(*)::int as count from drizzle.__drizzle_migrations`,
      );
      expect(row!.count).toBe(total);
      expect(await countPendingMigrations(instances[0]!.db)).toBe(0);
      expect(await tableCount(instances[0]!)).toBeGreaterThanOrEqual(39);
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
    }
  });
});
