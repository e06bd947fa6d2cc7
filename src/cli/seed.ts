import type { Env } from '../config/env.js';
import { runMigrations } from '../db/migrate.js';
import { seedContent } from '../db/seed/seed.js';
import { closeDeps, createDeps, type DepsOverrides } from '../deps.js';
import { runAsCli } from './run-cli.js';

/** `npm run db:seed`: applies migrations if needed, then (re)loads the bundled content. Safe to repeat. */
export async function seedDatabase(env: Env, overrides: DepsOverrides = {}): Promise<void> {
  const deps = await createDeps(env, overrides);
  try {
    await runMigrations(deps.db, deps.log);
    await seedContent(deps.db, deps.log, { force: true });
  } finally {
    await closeDeps(deps);
  }
}

await runAsCli(import.meta.url, seedDatabase);
