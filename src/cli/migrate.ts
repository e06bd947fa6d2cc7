import type { Env } from '../config/env.js';
import { runMigrations } from '../db/migrate.js';
import { closeDeps, createDeps, type DepsOverrides } from '../deps.js';
import { runAsCli } from './run-cli.js';

/** `npm run db:migrate`: applies pending migrations to the configured database. */
export async function migrateDatabase(env: Env, overrides: DepsOverrides = {}): Promise<void> {
  const deps = await createDeps(env, overrides);
  try {
    const result = await runMigrations(deps.db, deps.log);
    deps.log.info(result, `migrations: ${result.applied.length} applied, ${result.total} in total`);
  } finally {
    await closeDeps(deps);
  }
}

await runAsCli(import.meta.url, migrateDatabase);
