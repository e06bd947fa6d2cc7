import { loadEnv } from '../config/env.js';
import { runMigrations } from '../db/migrate.js';
import { seedContent } from '../db/seed/seed.js';
import { closeDeps, createDeps } from '../deps.js';
import { runCli } from './run-cli.js';

/** `npm run db:seed`: applies migrations if needed, then (re)loads the bundled content. Safe to repeat. */
await runCli(async () => {
  const deps = await createDeps(loadEnv());
  try {
    await runMigrations(deps.db, deps.log);
    await seedContent(deps.db, deps.log, { force: true });
  } finally {
    await closeDeps(deps);
  }
});
