import type { Env } from './config/env.js';
import { runMigrations } from './db/migrate.js';
import { seedIfNeeded } from './db/seed/seed.js';
import { closeDeps, createDeps, type Deps, type DepsOverrides } from './deps.js';
import { createApp } from './http/app.js';
import { serverLimitsFrom, startHttpServer } from './http/server.js';
import type { JobRuntime } from './jobs/queue.js';
import { startJobs } from './worker.js';

/** A running HTTP service: its URL, its dependencies, and the way to stop it gracefully. */
export interface RunningService {
  url: string;
  deps: Deps;
  /**
   * Stops taking work: readiness turns 503 so load balancers drain the instance, in-flight requests get
   * SHUTDOWN_TIMEOUT_MS to finish, then the jobs running in-process (as long again), the shared store and the database close.
   * Resolves once everything is closed; calling it again returns the same promise.
   */
  stop(reason: string): Promise<void>;
}

/**
 * The HTTP service role: dependencies from the environment, pending migrations and seed content applied
 * (under advisory locks, so instances starting together serialise), then the app listening and, unless
 * RUN_JOBS_IN_PROCESS=false with Redis, the background jobs running in this process (src/jobs/). Embedded mode (PGlite or in-process stores) says in the log that it serves one
 * instance only.
 */
export async function startService(env: Env, overrides: DepsOverrides = {}): Promise<RunningService> {
  const deps = await createDeps(env, overrides);
  const { log } = deps;
  try {
    if (deps.database.kind === 'pglite' || deps.kv.kind === 'memory') {
      log.warn(
        { database: deps.database.kind, store: deps.kv.kind, dataDir: env.DATA_DIR },
        'embedded mode: single instance only (set DATABASE_URL and REDIS_URL to run several instances)',
      );
    }
    if (env.JWT_SECRET_EPHEMERAL)
      log.warn('JWT_SECRET not set: using a random per-process secret (development only)');
    if (env.MIGRATE_ON_START) await runMigrations(deps.db, log);
    if (env.SEED_ON_START) await seedIfNeeded(deps.db, log);
  } catch (error) {
    await closeDeps(deps);
    throw error;
  }

  const http = await startHttpServer({
    app: createApp(deps),
    port: env.PORT,
    host: env.HOST,
    log,
    limits: serverLimitsFrom(env),
  });
  // The jobs (mail dispatch, pruning, rollups, reminders...) run here unless separate workers run them;
  // without Redis their queue is in this process, so they always run here.
  let jobs: JobRuntime | undefined;
  if (env.RUN_JOBS_IN_PROCESS || deps.jobs.kind === 'memory') {
    if (!env.RUN_JOBS_IN_PROCESS)
      log.warn('RUN_JOBS_IN_PROCESS=false needs REDIS_URL: running the jobs here');
    try {
      jobs = await startJobs(deps);
    } catch (error) {
      await http.close(0);
      await closeDeps(deps);
      throw error;
    }
  }
  log.info(
    { url: http.url, database: deps.database.kind, store: deps.kv.kind, version: deps.version },
    `listening on ${http.url}`,
  );

  let stopping: Promise<void> | undefined;
  const stop = (reason: string) => {
    stopping ??= (async () => {
      deps.lifecycle.shuttingDown = true;
      log.info({ reason, deadlineMs: env.SHUTDOWN_TIMEOUT_MS }, 'shutting down: draining in-flight requests');
      await Promise.all([http.close(env.SHUTDOWN_TIMEOUT_MS), jobs?.stop(env.SHUTDOWN_TIMEOUT_MS)]);
      await closeDeps(deps);
      log.info('shutdown complete');
    })();
    return stopping;
  };
  return { url: http.url, deps, stop };
}
