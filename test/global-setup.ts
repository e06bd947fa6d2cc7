import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { parseEnv } from '../src/config/env.js';
import { openPostgres } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { seedIfNeeded } from '../src/db/seed/seed.js';
import { createLogger } from '../src/lib/logger.js';
import { testSettings } from './settings.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the database created for this run, or null when tests use in-memory PGlite. */
    databaseUrl: string | null;
    /** Maintenance URL of the PostgreSQL server, for tests that create databases of their own. */
    adminDatabaseUrl: string | null;
    redisUrl: string | null;
  }
}

/**
 * With TEST_DATABASE_URL (a maintenance database URL) the run gets a database of its own, migrated and
 * seeded once here and dropped at the end. Without it, each test file uses in-memory PGlite.
 */
export default async function setup(project: TestProject) {
  const settings = testSettings();
  project.provide('redisUrl', settings.redisUrl);
  project.provide('adminDatabaseUrl', settings.adminDatabaseUrl);
  if (!settings.adminDatabaseUrl) {
    project.provide('databaseUrl', null);
    return;
  }

  const name = `linguamate_test_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: settings.adminDatabaseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();

  const url = withDatabase(settings.adminDatabaseUrl, name);
  const log = createLogger({ level: 'warn', env: 'test' });
  const env = parseEnv({ NODE_ENV: 'test', DATABASE_URL: url });
  const database = await openPostgres({
    url,
    poolMax: 2,
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    connectRetries: 0,
    log,
  });
  await runMigrations(database.db, log);
  await seedIfNeeded(database.db, log);
  await database.close();
  project.provide('databaseUrl', url);

  return async () => {
    const client = new pg.Client({ connectionString: settings.adminDatabaseUrl! });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
