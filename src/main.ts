import { ConfigError, type Env, loadEnv } from './config/env.js';
import { runMigrations } from './db/migrate.js';
import { seedIfNeeded } from './db/seed/seed.js';
import { closeDeps, createDeps, type Deps } from './deps.js';
import { createApp } from './http/app.js';
import { type HttpServer, serverLimitsFrom, startHttpServer } from './http/server.js';

/** HTTP entry point: env -> deps -> migrations and seed -> app -> listen; graceful shutdown on signals. */
async function main(): Promise<void> {
  let env: Env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const deps = await createDeps(env);
  const { log } = deps;
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

  const http = await startHttpServer({
    app: createApp(deps),
    port: env.PORT,
    host: env.HOST,
    log,
    limits: serverLimitsFrom(env),
  });
  deps.mailer.start();
  log.info(
    { url: http.url, database: deps.database.kind, store: deps.kv.kind, version: deps.version },
    `listening on ${http.url}`,
  );
  installShutdown(deps, http);
}

function installShutdown(deps: Deps, http: HttpServer): void {
  const { log, env } = deps;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.lifecycle.shuttingDown = true;
    log.info({ signal, deadlineMs: env.SHUTDOWN_TIMEOUT_MS }, 'shutting down: draining in-flight requests');
    const hardStop = setTimeout(() => {
      log.error('shutdown did not finish in time, exiting');
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS + 5_000);
    hardStop.unref();
    await http.close(env.SHUTDOWN_TIMEOUT_MS);
    await closeDeps(deps);
    log.info('shutdown complete');
    // Wait for buffered log lines to be written, in order, before the process goes.
    await new Promise<void>((resolve) => log.flush(() => resolve()));
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Start-up failures: one line, no stack, no secrets (messages come from our own code or drivers).
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`linguamate-api failed to start: ${message.replace(/\w+:\/\/\S+/g, '<url>')}\n`);
  process.exit(1);
});
