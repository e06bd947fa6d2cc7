import type { DestinationStream } from 'pino';
import type { Env } from './config/env.js';
import { type Database, type Db, openPglite, openPostgres } from './db/client.js';
import { type AiProviders, createAiProviders } from './integrations/ai/index.js';
import { createErrorReporter, type ErrorReporter } from './integrations/error-tracking/index.js';
import { createMailer, type Mailer, type MailerOverrides } from './integrations/mailer/index.js';
import {
  createTutorDataSource,
  type TutorDataSource,
  type TutorDataSourceOverrides,
} from './integrations/tutor-data/index.js';
import { createRedisJobQueue } from './jobs/bullmq.js';
import { createMemoryJobQueue } from './jobs/memory.js';
import type { JobQueue } from './jobs/queue.js';
import { type AppJob, JOBS } from './jobs/registry.js';
import { APP_VERSION } from './lib/app-version.js';
import { createLogger, type Logger } from './lib/logger.js';
import { createMetrics, type Metrics } from './lib/metrics.js';
import {
  createRateLimits,
  type PolicyOverrides,
  type RateLimits,
  type RateLimitsOptions,
} from './lib/rate-limit/limiter.js';
import { createMemoryStore } from './lib/store/memory-store.js';
import { createRedisStore } from './lib/store/redis-store.js';
import type { KeyValueStore, PubSub, RankingStore, SharedStore } from './lib/store/types.js';
import { createEventWriter, type EventWriter } from './modules/analytics/writer.js';
import { republishRevocations } from './modules/auth/sessions.js';
import { createKeyRing, type KeyRing } from './modules/auth/tokens.js';
import { createFeatureFlags, type FeatureFlags } from './modules/feature-flags/flags.js';
import { rebuildMissedRankings } from './modules/leaderboard/boards.js';
import { type CounterFlusher, startCounterFlusher } from './modules/reporting/counters.js';
import { createRealtimeHub, type RealtimeHub } from './realtime/hub.js';
import { createEventRelay, type EventRelay } from './realtime/relay.js';
import { createMemoryEventStreams, createRedisEventStreams, type EventStreams } from './realtime/streams.js';
import { DEPRECATIONS, type DeprecationRegistry } from './trpc/deprecations.js';

/** Everything the service talks to, created once at start-up and passed down explicitly. */
export interface Deps {
  env: Env;
  log: Logger;
  /** Unexpected errors go here besides the log: Sentry when SENTRY_DSN is set, else nowhere. */
  errors: ErrorReporter;
  database: Database;
  db: Db;
  store: SharedStore;
  kv: KeyValueStore;
  pubsub: PubSub;
  /** Leaderboard rankings (Redis sorted sets, else in-process). */
  rankings: RankingStore;
  /** Prefix of the rankings' keys: `lb`, or one of a test's own so it ranks only its users. */
  rankingNamespace: string;
  metrics: Metrics;
  /** Deprecated procedures, announced on each call (trpc/deprecations.ts). */
  deprecations: DeprecationRegistry;
  /** Per-policy rate limiters on the shared store (Redis, else in-process). */
  rateLimits: RateLimits;
  keyRing: KeyRing;
  /** The mail outbox: `wake()` after committing a transaction that queued mail. */
  mailer: Mailer;
  /** Group commit of analytics events: concurrent calls share one INSERT. */
  eventWriter: EventWriter;
  /** Adds `metrics.daily` (requests, 5xx, AI requests, quota denials) to ops_counters_daily periodically. */
  counterFlusher: CounterFlusher;
  /** The safe outbound fetcher behind tutorData.* (allowlist, public addresses only, size and time caps). */
  tutorDataSource: TutorDataSource;
  /** OpenAI-compatible chat, speech-to-text and image providers; null where none is configured. */
  ai: AiProviders;
  /** Realtime signals across instances (one pub/sub subscription per instance). */
  hub: RealtimeHub;
  /** Every user's event stream (Redis streams, else in-process). */
  eventStreams: EventStreams;
  /** Publishes the user events outbox: `wake()` after committing a transaction that queued events. */
  relay: EventRelay;
  /**
   * Background jobs (src/jobs/): `enqueue(name, payload)` checks the payload and queues it, on Redis
   * (BullMQ) when REDIS_URL is set, else in this process (run only while a job runtime is started here).
   */
  jobs: JobQueue<AppJob>;
  /**
   * Feature flags (modules/feature-flags): `isEnabled(flagKey, userId)` over OpenFeature and our
   * PostgreSQL provider, cached in memory and invalidated through pub/sub.
   */
  flags: FeatureFlags;
  clock: () => Date;
  version: string;
  /** Flipped when shutdown starts, so readiness fails and load balancers drain this instance. */
  lifecycle: { shuttingDown: boolean };
}

export interface DepsOverrides {
  logDestination?: DestinationStream;
  /** Use this database instead of opening one from the environment (tests share one per worker). */
  database?: Database;
  mailer?: MailerOverrides;
  /** Tests: names resolved by the test, local servers' addresses admitted, short backoff and breaker. */
  tutorData?: TutorDataSourceOverrides;
  /** Tests: a key prefix of their own (budgets apart from other tests) and small policies. */
  rateLimits?: Pick<RateLimitsOptions, 'keyPrefix' | 'policies'>;
  /** Tests: rankings of their own, so that a ranking holds only the users of their database. */
  rankingNamespace?: string;
  /**
   * Tests: queues under a key prefix of their own (default `jobs`), and whether `mailer.wake()` also
   * queues a `mail-dispatch` job (default true; test apps without a worker turn it off).
   */
  jobs?: { prefix?: string; wakeMailJob?: boolean };
  /** Tests: deprecated procedures to announce instead of the registry's (trpc/deprecations.ts). */
  deprecations?: DeprecationRegistry;
}

/** Opens the database and the shared store chosen by the environment. */
export async function createDeps(env: Env, overrides: DepsOverrides = {}): Promise<Deps> {
  const log = createLogger({
    level: env.LOG_LEVEL,
    env: env.NODE_ENV,
    ...(overrides.logDestination ? { destination: overrides.logDestination } : {}),
  });

  const database =
    overrides.database ??
    (env.DATABASE_URL
      ? await openPostgres({
          url: env.DATABASE_URL,
          poolMax: env.DATABASE_POOL_MAX,
          statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
          connectRetries: env.DATABASE_CONNECT_RETRIES,
          log,
        })
      : await openPglite(env.DATA_DIR));

  let store: SharedStore;
  try {
    if (env.REDIS_URL) {
      const redisStore = createRedisStore({
        url: env.REDIS_URL,
        log,
        commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
      });
      store = redisStore;
      // Redis is not needed to serve (see README "Without Redis"): an instance that starts during an
      // outage serves degraded and picks Redis up when it answers, instead of failing to start.
      await redisStore.ready(env.REDIS_STARTUP_WAIT_MS).catch((error: unknown) => {
        log.error({ err: error }, 'redis not reachable at start-up: serving degraded while reconnecting');
      });
    } else {
      store = createMemoryStore();
    }
  } catch (error) {
    if (!overrides.database) await database.close();
    throw error;
  }

  const errors = await createErrorReporter({ env, log });
  const metrics = createMetrics(() => database.poolStats());
  const deprecations = overrides.deprecations ?? DEPRECATIONS;
  for (const { path } of deprecations) metrics.deprecatedCalls.inc({ procedure: path }, 0);
  const storeKind = store.kv.kind;
  metrics.storeUp.set({ store: storeKind }, store.availability.up ? 1 : 0);
  store.availability.onChange((up) => metrics.storeUp.set({ store: storeKind }, up ? 1 : 0));
  const clock = () => new Date();
  const dispatcher = createMailer({ db: database.db, log, env, metrics, clock }, overrides.mailer);
  const jobs = env.REDIS_URL
    ? createRedisJobQueue(JOBS, {
        url: env.REDIS_URL,
        prefix: overrides.jobs?.prefix ?? 'jobs',
        log,
        failedRetention: env.JOBS_FAILED_RETENTION,
      })
    : createMemoryJobQueue(JOBS);
  const wakeMailJob = overrides.jobs?.wakeMailJob ?? true;
  const mailer: Mailer = {
    ...dispatcher,
    // Mail committed: wake this process's dispatcher loop if it runs one, and have a worker drain the
    // outbox now (at most one such job per 200 ms; the schedule catches anything a dropped wake missed).
    wake() {
      dispatcher.wake();
      if (!wakeMailJob) return;
      jobs
        .enqueue('mail-dispatch', {}, { dedupe: { id: 'mail-wake', ttlMs: 200 } })
        .catch((error: unknown) =>
          log.warn({ err: error }, 'mail dispatch job not queued; the schedule will send'),
        );
    },
  };
  const hub = createRealtimeHub(
    { pubsub: store.pubsub, log },
    { boardIntervalMs: env.LEADERBOARD_CHANGE_INTERVAL_MS },
  );
  const streamLimits = {
    maxLength: env.EVENTS_STREAM_MAX_LENGTH,
    maxAgeMs: env.EVENTS_STREAM_MAX_AGE_HOURS * 3_600_000,
  };
  const flags = await createFeatureFlags(
    { db: database.db, pubsub: store.pubsub, log },
    { refreshMs: env.FLAGS_REFRESH_SECONDS * 1_000 },
  );
  const eventStreams = store.redis
    ? createRedisEventStreams(store.redis, streamLimits)
    : createMemoryEventStreams(streamLimits);
  const deps: Deps = {
    env,
    log,
    errors,
    database,
    db: database.db,
    store,
    kv: store.kv,
    pubsub: store.pubsub,
    rankings: store.rankings,
    rankingNamespace: overrides.rankingNamespace ?? 'lb',
    metrics,
    deprecations,
    rateLimits: createRateLimits({
      store,
      log,
      metrics,
      ...overrides.rateLimits,
      policies: withOverrides(policiesFromEnv(env), overrides.rateLimits?.policies),
    }),
    keyRing: createKeyRing(env),
    mailer,
    eventWriter: createEventWriter(
      { db: database.db, registry: metrics.registry },
      {
        maxBatch: env.ANALYTICS_BATCH_MAX_ROWS,
        maxWaitMs: env.ANALYTICS_BATCH_MAX_WAIT_MS,
        maxPending: env.ANALYTICS_QUEUE_MAX_ROWS,
        concurrency: env.ANALYTICS_WRITE_CONCURRENCY,
      },
    ),
    counterFlusher: startCounterFlusher(
      { db: database.db, log, counters: metrics.daily },
      env.REPORT_COUNTERS_FLUSH_MS,
    ),
    tutorDataSource: createTutorDataSource({ log, env }, overrides.tutorData),
    ai: createAiProviders({ env, log, metrics: metrics.outbound, counters: metrics.daily }),
    hub,
    eventStreams,
    relay: createEventRelay(
      { db: database.db, streams: eventStreams, hub, log, registry: metrics.registry, clock },
      {
        batchSize: env.EVENTS_RELAY_BATCH_SIZE,
        pollMs: env.EVENTS_RELAY_POLL_MS,
        retentionMs: env.EVENTS_OUTBOX_RETENTION_HOURS * 3_600_000,
      },
    ),
    jobs,
    flags,
    clock,
    version: APP_VERSION,
    lifecycle: { shuttingDown: false },
  };
  store.availability.onChange((up) => {
    if (up) void repairAfterStoreOutage(deps);
  });
  return deps;
}

/**
 * What an outage of the shared store leaves behind, repaired once it is back: revocation marks written
 * while it was down were lost (published again from PostgreSQL), and rankings that missed updates are
 * rebuilt. Failures are logged; the next recovery tries again.
 */
async function repairAfterStoreOutage(deps: Deps): Promise<void> {
  const results = await Promise.allSettled([republishRevocations(deps), rebuildMissedRankings(deps)]);
  for (const result of results) {
    if (result.status === 'rejected') {
      deps.log.error({ err: result.reason }, 'repair after the store outage failed');
      deps.errors.report(result.reason, { task: 'store-repair' });
    }
  }
}

/** The budgets the environment sets: the sign-in lockout's threshold and window. */
function policiesFromEnv(env: Env): PolicyOverrides {
  return {
    'login-failures-pair': {
      points: env.LOGIN_LOCKOUT_THRESHOLD,
      durationSeconds: env.LOGIN_LOCKOUT_MINUTES * 60,
    },
  };
}

function withOverrides(base: PolicyOverrides, overrides: PolicyOverrides = {}): PolicyOverrides {
  const merged: PolicyOverrides = { ...base };
  for (const [name, policy] of Object.entries(overrides) as [
    keyof PolicyOverrides,
    PolicyOverrides[keyof PolicyOverrides],
  ][])
    merged[name] = { ...merged[name], ...policy };
  return merged;
}

/** How long shutdown waits for error reports still being sent. */
const ERROR_REPORTS_FLUSH_MS = 2_000;

/**
 * Closes what `createDeps` opened. Events already accepted and the day counters are written first (new
 * events are refused with 503 meanwhile), while the database is still open. A database handed in through overrides belongs to
 * the caller. Error reports go last, so that faults met while closing are sent too.
 */
export async function closeDeps(deps: Deps, options: { keepDatabase?: boolean } = {}): Promise<void> {
  await Promise.all([
    deps.eventWriter.stop(),
    deps.mailer.stop(),
    deps.relay.stop(),
    deps.jobs.close(),
    deps.flags.close(),
    deps.counterFlusher.stop(),
  ]);
  deps.hub.close();
  const results = await Promise.allSettled([
    deps.store.close(),
    options.keepDatabase ? Promise.resolve() : deps.database.close(),
  ]);
  for (const result of results) {
    if (result.status === 'rejected')
      deps.log.warn({ err: result.reason }, 'error while closing a dependency');
  }
  await deps.errors.close(ERROR_REPORTS_FLUSH_MS);
}
