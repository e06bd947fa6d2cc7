import { loadEnv } from '../config/env.js';
import { runMigrations } from '../db/migrate.js';
import { closeDeps, createDeps } from '../deps.js';
import { runCli } from './run-cli.js';

/** `npm run db:migrate`: applies pending migrations to the configured database. */
await runCli(async () => {
  const deps = await createDeps(loadEnv());
  try {
    const result = await runMigrations(deps.db, deps.log);
    deps.log.info(result, `migrations: ${result.applied.length} applied, ${result.total} in total`);
  } finally {
    await closeDeps(deps);
  }
});
