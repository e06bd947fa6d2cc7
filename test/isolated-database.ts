import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { type Database, openPglite, openPostgres } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { seedIfNeeded } from '../src/db/seed/seed.js';
import { createLogger } from '../src/lib/logger.js';
import { runAdminStatement } from './admin-database.js';
import { withDatabase } from './global-setup.js';

/**
 * A migrated and seeded database of a test's own, for tests whose answers depend on every row of a table
 * (a leaderboard's ranks): on the run's PostgreSQL server when it has one, else in-memory PGlite.
 * `drop()` closes it and, on PostgreSQL, drops it.
 */
export async function isolatedDatabase(): Promise<{ database: Database; drop(): Promise<void> }> {
  const log = createLogger({ level: 'silent', env: 'test' });
  const adminUrl = inject('adminDatabaseUrl');
  if (!adminUrl) {
    const database = await openPglite(null);
    await runMigrations(database.db, log);
    await seedIfNeeded(database.db, log);
    return { database, drop: () => database.close() };
  }
  const name = `linguamate_isolated_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = (statement: string) => runAdminStatement(adminUrl, statement);
  await admin(`create database ${name}`);
  const database = await openPostgres({
    url: withDatabase(adminUrl, name),
    poolMax: 5,
    statementTimeoutMs: 30_000,
    connectRetries: 0,
    log,
  });
  await runMigrations(database.db, log);
  await seedIfNeeded(database.db, log);
  return {
    database,
    async drop() {
      await database.close();
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}
