import type { Server } from 'node:http';
import type { Env } from './config/env.js';
import { runMigrations } from './db/migrate.js';
import { seedIfNeeded } from './db/seed/seed.js';
import { closeDeps, createDeps, type Deps, type DepsOverrides } from './deps.js';
import { createApp } from './http/app.js';
import { serverLimitsFrom, startHttpServer } from './http/server.js';
import { attachWebSocketServer } from './realtime/ws/gateway.js';

/** A running HTTP service: its URL, its dependencies, and the way to stop it gracefully. */
export interface RunningService {
  url: string;
  deps: Deps;
  /**
   * Stops taking work: readiness turns 503 so load balancers drain the instance, WebSockets are closed
   * with 1012 (reconnect elsewhere), in-flight requests get SHUTDOWN_TIMEOUT_MS to finish, then the mail
   * dispatcher, the client log pruner, the event relay, the shared store and the database close.
   * Resolves once everything is closed; calling it again returns the same promise.
   */
  stop(reason: string): Promise<void>;
}

/**
 * The HTTP service role: dependencies from the environment, pending migrations and seed content applied
 * (under advisory locks, so instances starting together serialise), then the app listening and the mail
 * dispatcher running. Embedded mode (PGlite or in-process stores) says in the log that it serves one
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
  // tRPC over WebSocket on the same server and path: a role without realtime skips this call.
  const websocket = await attachWebSocketServer({ server: http.server as Server, deps }).catch(
    async (error: unknown) => {
      await http.close(0);
      await closeDeps(deps);
      throw error;
    },
  );
  deps.mailer.start();
  deps.clientLogPruner.start();
  deps.relay.start();
  log.info(
    { url: http.url, database: deps.database.kind, store: deps.kv.kind, version: deps.version },
    `listening on ${http.url}`,
  );

  let stopping: Promise<void> | undefined;
  const stop = (reason: string) => {
    stopping ??= (async () => {
      deps.lifecycle.shuttingDown = true;
      log.info({ reason, deadlineMs: env.SHUTDOWN_TIMEOUT_MS }, 'shutting down: draining in-flight requests');
      // Sockets get their 1012 while HTTP drains: the server cannot finish closing while they are open.
      await Promise.all([websocket.close(), http.close(env.SHUTDOWN_TIMEOUT_MS)]);
      await closeDeps(deps);
      log.info('shutdown complete');
    })();
    return stopping;
  };
  return { url: http.url, deps, stop };
}
