import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Env } from './config/env.js';
import { runMigrations } from './db/migrate.js';
import { closeDeps, createDeps, type Deps, type DepsOverrides } from './deps.js';
import type { AnyJob } from './jobs/define.js';
import type { JobRuntime } from './jobs/queue.js';
import { JOBS } from './jobs/registry.js';
import { startJobRuntime } from './jobs/runtime.js';

/** Starts the jobs on a process's dependencies (the worker's own, or the API's when run in-process). */
export function startJobs(deps: Deps, definitions: readonly AnyJob[] = JOBS): Promise<JobRuntime> {
  return startJobRuntime(
    definitions,
    {
      env: deps.env,
      db: deps.db,
      kv: deps.kv,
      rankings: deps.rankings,
      rankingNamespace: deps.rankingNamespace,
      hub: deps.hub,
      log: deps.log,
      errors: deps.errors,
      clock: deps.clock,
      mailer: deps.mailer,
      registry: deps.metrics.registry,
    },
    deps.jobs,
  );
}

export interface RunningWorker {
  /** Where /health, /ready and /metrics answer. */
  url: string;
  deps: Deps;
  /** Stops taking jobs, lets those in flight finish within SHUTDOWN_TIMEOUT_MS, then closes everything. */
  stop(): Promise<void>;
}

export interface WorkerOptions extends DepsOverrides {
  /** The jobs to run: every job by default (tests run jobs of their own). */
  definitions?: readonly AnyJob[];
}

/**
 * The worker role (`npm run worker`): the API's dependencies, pending migrations applied, every job's
 * queue worked and its schedule kept, and a small HTTP server on WORKER_PORT for /health (alive),
 * /ready (database reachable, Redis too when configured; 503 while stopping) and /metrics.
 */
export async function startWorker(env: Env, options: WorkerOptions = {}): Promise<RunningWorker> {
  const { definitions, ...overrides } = options;
  const deps = await createDeps(env, overrides);
  let runtime: JobRuntime;
  try {
    if (env.MIGRATE_ON_START) {
      await runMigrations(deps.db, deps.log);
      // Read before the migrations ran (on a fresh database, before their table existed).
      await deps.flags.refresh();
    }
    runtime = await startJobs(deps, definitions);
  } catch (error) {
    await closeDeps(deps, { keepDatabase: Boolean(overrides.database) });
    throw error;
  }
  if (deps.jobs.kind === 'memory')
    deps.log.warn('worker without REDIS_URL: jobs queued by other processes never reach it (embedded mode)');
  const server = createHealthServer(deps);
  await new Promise<void>((resolve) => server.listen(env.WORKER_PORT, env.HOST, resolve));
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  deps.log.info(
    { url, queue: deps.jobs.kind, jobs: (definitions ?? JOBS).map((job) => job.name) },
    'worker started',
  );

  let stopping: Promise<void> | undefined;
  return {
    url,
    deps,
    stop() {
      stopping ??= (async () => {
        deps.lifecycle.shuttingDown = true;
        deps.log.info({ deadlineMs: env.SHUTDOWN_TIMEOUT_MS }, 'worker stopping: finishing jobs in flight');
        await runtime.stop(env.SHUTDOWN_TIMEOUT_MS);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        // A database handed in (tests) belongs to the caller.
        await closeDeps(deps, { keepDatabase: Boolean(overrides.database) });
        deps.log.info('worker stopped');
      })();
      return stopping;
    },
  };
}

function createHealthServer(deps: Deps): Server {
  const expected = deps.env.METRICS_TOKEN ? Buffer.from(`Bearer ${deps.env.METRICS_TOKEN}`) : null;
  return createServer((request, response) => {
    const send = (status: number, body: unknown, type = 'application/json') => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const path = (request.url ?? '/').split('?')[0];
    void (async () => {
      if (path === '/health') return send(200, { status: 'ok' });
      if (path === '/ready') {
        if (deps.lifecycle.shuttingDown) return send(503, { status: 'stopping' });
        const checks: Record<string, 'ok' | 'down'> = {};
        await Promise.all([
          deps.database.ping().then(
            () => (checks.postgres = 'ok'),
            () => (checks.postgres = 'down'),
          ),
          deps.kv.kind === 'redis'
            ? deps.kv.ping().then(
                () => (checks.redis = 'ok'),
                () => (checks.redis = 'down'),
              )
            : undefined,
        ]);
        const ready = Object.values(checks).every((check) => check === 'ok');
        return send(ready ? 200 : 503, { status: ready ? 'ok' : 'unavailable', checks });
      }
      if (path === '/metrics') {
        const given = Buffer.from(request.headers.authorization ?? '');
        if (expected && (given.length !== expected.length || !timingSafeEqual(given, expected)))
          return send(401, { code: 'UNAUTHORIZED', message: 'Metrics token required' });
        const registry = deps.metrics.registry;
        return send(200, await registry.metrics(), registry.contentType);
      }
      send(404, { code: 'NOT_FOUND', message: 'Not found' });
    })().catch((error: unknown) => {
      deps.log.warn({ err: error }, 'worker health endpoint failed');
      send(500, { code: 'INTERNAL_ERROR', message: 'Internal error' });
    });
  });
}
