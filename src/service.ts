import type { Server } from 'node:http';
import type { Env, Role } from './config/env.js';
import { runMigrations } from './db/migrate.js';
import { seedIfNeeded } from './db/seed/seed.js';
import { closeDeps, createDeps, type Deps, type DepsOverrides } from './deps.js';
import { createApp } from './http/app.js';
import { serverLimitsFrom, startHttpServer } from './http/server.js';
import type { JobRuntime } from './jobs/queue.js';
import { attachWebSocketServer } from './realtime/ws/gateway.js';
import { startJobs } from './worker.js';

/** A running HTTP service: its URL, its dependencies, and the way to stop it gracefully. */
export interface RunningService {
  url: string;
  deps: Deps;
  /**
   * Stops taking work: readiness turns 503 so load balancers drain the instance, WebSockets are closed
   * with 1012 (reconnect elsewhere), in-flight requests get SHUTDOWN_TIMEOUT_MS to finish and the jobs
   * running here as long, then the event relay, the shared store and the database close.
   * Resolves once everything is closed; calling it again returns the same promise.
   */
  stop(reason: string): Promise<void>;
}

/**
 * The HTTP service, in the roles `ROLES` names besides `worker`-only (src/main.ts): dependencies from the
 * environment, pending migrations and seed content applied (under advisory locks, so instances starting
 * together serialise), then the app listening, with:
 * - `realtime`: tRPC over WebSocket on the same server and path (src/realtime/ws/);
 * - `worker`: the background jobs (src/jobs/) in this process; without Redis their queue lives in this
 *   process, so they run here whatever the roles;
 * - always: the user events relay (several relays share the outbox safely).
 * Embedded mode (PGlite or in-process stores) says in the log that it serves one instance only.
 */
export async function startService(env: Env, overrides: DepsOverrides = {}): Promise<RunningService> {
  const deps = await createDeps(env, overrides);
  const { log } = deps;
  const has = (role: Role) => env.ROLES.includes(role);
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
    // The flags were read before the migrations ran (on a fresh database, before their table existed).
    if (env.MIGRATE_ON_START) await deps.flags.refresh();
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
  let jobs: JobRuntime | undefined;
  let websocket: { close(): Promise<void> } | undefined;
  try {
    if (has('realtime')) websocket = await attachWebSocketServer({ server: http.server as Server, deps });
    if (has('worker') || deps.jobs.kind === 'memory') {
      if (!has('worker')) log.warn('jobs need REDIS_URL to run in a worker of their own: running them here');
      jobs = await startJobs(deps);
    }
  } catch (error) {
    await websocket?.close();
    await http.close(0);
    await closeDeps(deps);
    throw error;
  }
  deps.relay.start();
  log.info(
    {
      url: http.url,
      roles: env.ROLES,
      database: deps.database.kind,
      store: deps.kv.kind,
      version: deps.version,
    },
    `listening on ${http.url}`,
  );

  let stopping: Promise<void> | undefined;
  const stop = (reason: string) => {
    stopping ??= (async () => {
      deps.lifecycle.shuttingDown = true;
      log.info({ reason, deadlineMs: env.SHUTDOWN_TIMEOUT_MS }, 'shutting down: draining in-flight requests');
      // Sockets get their 1012 while HTTP drains: the server cannot finish closing while they are open.
      await Promise.all([
        websocket?.close(),
        http.close(env.SHUTDOWN_TIMEOUT_MS),
        jobs?.stop(env.SHUTDOWN_TIMEOUT_MS),
      ]);
      await closeDeps(deps);
      log.info('shutdown complete');
    })();
    return stopping;
  };
  return { url: http.url, deps, stop };
}
