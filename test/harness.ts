import { randomUUID } from 'node:crypto';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';
import { inject } from 'vitest';
import { type Env, parseEnv } from '../src/config/env.js';
import { type Database, openPglite, openPostgres } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { seedIfNeeded } from '../src/db/seed/seed.js';
import { closeDeps, createDeps, type Deps } from '../src/deps.js';
import { type App, createApp } from '../src/http/app.js';
import { type HttpServer, serverLimitsFrom, startHttpServer } from '../src/http/server.js';
import type { TutorDataSourceOverrides } from '../src/integrations/tutor-data/index.js';
import { createLogger } from '../src/lib/logger.js';
import type { RateLimitsOptions } from '../src/lib/rate-limit/limiter.js';
import type { DeprecationRegistry } from '../src/trpc/deprecations.js';
import type { AppRouter } from '../src/trpc/router.js';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-0123456789';

/** Log lines written by an app under test, parsed. */
export class CapturedLogs {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];

  write(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (!line) continue;
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  }

  withRequestId(requestId: string): Record<string, unknown>[] {
    return this.lines.filter((line) => line.requestId === requestId);
  }
}

let sharedDatabase: Promise<Database> | undefined;

/**
 * The database of this test worker: the run's PostgreSQL database (migrated and seeded by global setup),
 * or an in-memory PGlite migrated and seeded here. Tests keep their data apart by creating their own rows.
 */
export function testDatabase(): Promise<Database> {
  sharedDatabase ??= (async () => {
    const log = createLogger({ level: 'warn', env: 'test' });
    const url = inject('databaseUrl');
    if (url) return openPostgres({ url, poolMax: 5, statementTimeoutMs: 10_000, connectRetries: 2, log });
    const database = await openPglite(null);
    await runMigrations(database.db, log);
    await seedIfNeeded(database.db, log);
    return database;
  })();
  return sharedDatabase;
}

export const usingPostgres = () => inject('databaseUrl') !== null;
export const usingRedis = () => inject('redisUrl') !== null;

/** Environment for an app under test: real services when the run has them, plus per-test overrides. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Env {
  return parseEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    // Tests read request lines from the log; the default (errors only) is tested on its own.
    ACCESS_LOG: 'all',
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: inject('databaseUrl') ?? undefined,
    REDIS_URL: inject('redisUrl') ?? undefined,
    ...overrides,
  });
}

export interface TestApp {
  app: App;
  deps: Deps;
  logs: CapturedLogs;
  /** Sends a request through the whole middleware stack, without a socket. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Starts listening on a random local port (once) and returns the base URL. */
  listen(): Promise<string>;
  /** A typed tRPC client with the app's own link setup (httpBatchLink + superjson). */
  trpc(options?: {
    headers?: Record<string, string>;
    onRequest?: (url: string) => void;
  }): Promise<TrpcClient>;
  close(): Promise<void>;
}

export type TrpcClient = ReturnType<typeof createTRPCClient<AppRouter>>;

export interface TestAppOptions {
  env?: Record<string, string | undefined>;
  /** Use this database instead of the worker's shared one (the caller closes it). */
  database?: Database;
  /**
   * Run the mail dispatcher, delivering only mail to this domain: the outbox table is shared by every test
   * app on the database, so each mailing test owns a domain and never sends another test's messages.
   */
  mailDomain?: string;
  /**
   * Rate limit budgets (small ones for rate limit tests) and key prefix. By default each test app counts
   * under a prefix of its own, so tests (and runs sharing one Redis) never spend each other's budgets.
   */
  rateLimits?: Pick<RateLimitsOptions, 'keyPrefix' | 'policies'>;
  /** Rankings of the app's own (a leaderboard test on a database of its own), instead of the shared ones. */
  rankingNamespace?: string;
  /**
   * The tutor data fetcher's resolver and address policy: local servers stand for outside sources, so a
   * test resolves names of its own and admits exactly its servers' addresses (test/http-source.ts).
   */
  tutorData?: TutorDataSourceOverrides;
  /**
   * Run the user events relay (src/realtime/relay.ts). Off by default: relays publish every app's rows of
   * the shared database, and in embedded mode into their own process's streams only.
   */
  relay?: boolean;
  /**
   * Job queues under this key prefix, with `mailer.wake()` queueing a dispatch job (a test that runs a
   * worker). By default a test app queues no mail-dispatch jobs: no worker would ever take them.
   */
  jobsPrefix?: string;
  /** Deprecated procedures to announce instead of the registry's (trpc/deprecations.ts). */
  deprecations?: DeprecationRegistry;
}

/** Builds the real app on the real dependencies of this run, capturing its logs. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const logs = new CapturedLogs();
  const database = options.database ?? (await testDatabase());
  const deps = await createDeps(testEnv(options.env), {
    logDestination: logs,
    database,
    rateLimits: { keyPrefix: unique('rl'), ...options.rateLimits },
    ...(options.rankingNamespace && { rankingNamespace: options.rankingNamespace }),
    ...(options.tutorData && { tutorData: options.tutorData }),
    ...(options.deprecations && { deprecations: options.deprecations }),
    jobs: options.jobsPrefix ? { prefix: options.jobsPrefix, wakeMailJob: true } : { wakeMailJob: false },
    ...(options.mailDomain && {
      mailer: { dispatcher: { onlyDomain: options.mailDomain, pollIntervalMs: 100 } },
    }),
  });
  if (options.mailDomain) deps.mailer.start();
  if (options.relay) deps.relay.start();
  const app = createApp(deps);
  let server: HttpServer | undefined;

  const listen = async () => {
    server ??= await startHttpServer({
      app,
      port: 0,
      host: '127.0.0.1',
      log: deps.log,
      limits: serverLimitsFrom(deps.env),
    });
    return server.url;
  };

  return {
    app,
    deps,
    logs,
    request: (path, init) => Promise.resolve(app.request(path, init)),
    listen,
    async trpc(clientOptions = {}) {
      const base = await listen();
      return createTRPCClient<AppRouter>({
        links: [
          httpBatchLink({
            url: `${base}/api/trpc`,
            transformer: superjson,
            headers: () => clientOptions.headers ?? {},
            fetch: (url, init) => {
              clientOptions.onRequest?.(String(url));
              return fetch(url, init as RequestInit);
            },
          }),
        ],
      });
    },
    async close() {
      await server?.close(1_000);
      await closeDeps(deps, { keepDatabase: true });
    },
  };
}

/** A value unique to one test, for emails, names and keys. */
export const unique = (prefix = 't') => `${prefix}-${randomUUID().slice(0, 8)}`;
