import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { XP_SOURCES } from '../db/schema/gamification.js';
import { DailyCounters } from './daily-counters.js';
import { HttpRequestMetrics } from './http-metrics.js';

/** Connection pool occupancy, as the database client reports it (PGlite is a pool of one). */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/** Calls to outside services (AI, speech-to-text, images), labelled by provider from a closed list. */
export interface OutboundMetrics {
  calls: Counter<'provider' | 'operation' | 'outcome'>;
  duration: Histogram<'provider' | 'operation'>;
  retries: Counter<'provider'>;
  /** 0 closed, 1 half-open, 2 open, 3 isolated. */
  circuitState: Gauge<'provider'>;
}

export interface Metrics {
  registry: Registry;
  /** Per-request duration, count and in-flight gauge, recorded by the HTTP edge. */
  http: HttpRequestMetrics;
  procedureDuration: Histogram<'procedure' | 'type' | 'outcome'>;
  cacheFallbacks: Counter<'cache'>;
  rateLimitFallbacks: Counter<'policy'>;
  /** 1 while the shared store (Redis, or the in-process one) answers, 0 while it is lost. */
  storeUp: Gauge<'store'>;
  /** Mail dispatch outcomes (integrations/mailer). */
  mailMessages: Counter<'outcome'>;
  /** tutorData fetches: cache_hit, fetched, invalid, or the fetcher's failure kind. */
  tutorDataFetches: Counter<'outcome'>;
  outbound: OutboundMetrics;
  /** Client log entries stored from `/api/ingest/logs`, by level. */
  clientLogsIngested: Counter<'level'>;
  /** Client log batches refused, by reason (CLIENT_LOG_REJECTIONS). */
  clientLogBatchesRejected: Counter<'reason'>;
  /** WebSocket connections (realtime/ws): open sockets, closes by reason, messages by direction. */
  ws: WebSocketMetrics;
  /** What learners do and what the service refuses them, counted where it happens (after commit). */
  business: BusinessMetrics;
  /** The last readiness answer of this instance and how often it changed (flapping). */
  readiness: { ready: Gauge; changes: Counter };
  /**
   * Per-UTC-day counts kept for the admin reports (requests, 5xx, AI requests, quota denials): in memory
   * here, added to PostgreSQL by the flusher deps.ts starts (modules/reporting/counters.ts).
   */
  daily: DailyCounters;
  /** Calls to deprecated procedures, by path: only paths of the registry (trpc/deprecations.ts). */
  deprecatedCalls: Counter<'procedure'>;
}

export interface BusinessMetrics {
  signups: Counter;
  /** Sign-in attempts by LOGIN_OUTCOMES. */
  logins: Counter<'outcome'>;
  /** Failures that locked an account (and address) out. */
  accountLocks: Counter;
  lessonsSubmitted: Counter;
  /** XP points granted, by source (XP_SOURCES). */
  xpGranted: Counter<'source'>;
  /** Chat messages a learner sent and got an answer to. */
  chatMessages: Counter;
  /** Requests refused by a daily quota (QUOTAS). */
  quotaDenials: Counter<'quota'>;
  /** Requests refused by a rate limit, by policy name. */
  rateLimitHits: Counter<'policy'>;
}

export const LOGIN_OUTCOMES = ['success', 'invalid_credentials', 'locked', 'rate_limited'] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];

export const QUOTAS = ['chat_messages', 'lesson_generations'] as const;
export type Quota = (typeof QUOTAS)[number];

export interface WebSocketMetrics {
  open: Gauge;
  /** Closes by reason (WS_CLOSE_REASONS) and upgrades refused (WS_UPGRADE_REFUSALS). */
  closed: Counter<'reason'>;
  upgradesRefused: Counter<'reason'>;
  messages: Counter<'direction'>;
}

/** Why a WebSocket closed: the bounded label values of `ws_connections_closed_total`. */
export const WS_CLOSE_REASONS = [
  'client',
  'token_expired',
  'session_revoked',
  'user_limit',
  'slow_consumer',
  'message_flood',
  'message_too_big',
  'heartbeat_timeout',
  'shutdown',
  'error',
] as const;
export type WsCloseReason = (typeof WS_CLOSE_REASONS)[number];

/** Why an upgrade to WebSocket was refused before any socket opened. */
export const WS_UPGRADE_REFUSALS = ['not_found', 'instance_limit', 'shutting_down'] as const;

/** Why a client log batch was refused: the bounded label values of `client_log_batches_rejected_total`. */
export const CLIENT_LOG_REJECTIONS = [
  'invalid',
  'clock_skew',
  'signature',
  'too_large',
  'rate_limited',
] as const;
export type ClientLogRejection = (typeof CLIENT_LOG_REJECTIONS)[number];

/**
 * One registry per process (not prom-client's global one), so several apps can live in one test process.
 * Labels are few and bounded: route patterns and known procedure names, never raw URLs or ids.
 */
export function createMetrics(poolStats: () => PoolStats): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  const metrics: Metrics = {
    registry,
    daily: new DailyCounters(),
    http: new HttpRequestMetrics(registry, buckets),
    procedureDuration: new Histogram({
      name: 'trpc_procedure_duration_seconds',
      help: 'tRPC procedure duration by procedure, type and outcome (ok or the error code)',
      labelNames: ['procedure', 'type', 'outcome'],
      buckets,
      registers: [registry],
    }),
    cacheFallbacks: new Counter({
      name: 'cache_fallbacks_total',
      help: 'Cache reads or writes that failed and fell back to the source of truth',
      labelNames: ['cache'],
      registers: [registry],
    }),
    rateLimitFallbacks: new Counter({
      name: 'rate_limit_store_fallbacks_total',
      help: 'Rate limit checks counted in this process because the shared store (Redis) failed',
      labelNames: ['policy'],
      registers: [registry],
    }),
    storeUp: new Gauge({
      name: 'shared_store_up',
      help: 'Whether the shared store answers (1) or is lost and the service runs degraded (0), by store',
      labelNames: ['store'],
      registers: [registry],
    }),
    mailMessages: new Counter({
      name: 'mail_messages_total',
      help: 'Mail dispatch outcomes: sent, failed (rescheduled) and abandoned',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    tutorDataFetches: new Counter({
      name: 'tutor_data_fetches_total',
      help: 'tutorData fetches by outcome: cache_hit, fetched, invalid, or why the fetch failed (refused, timeout, …)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    outbound: {
      calls: new Counter({
        name: 'outbound_calls_total',
        help: 'Calls to outside services by provider, operation and outcome (success, timeout, circuit_open…)',
        labelNames: ['provider', 'operation', 'outcome'],
        registers: [registry],
      }),
      duration: new Histogram({
        name: 'outbound_call_duration_seconds',
        help: 'Duration of calls to outside services, retries and backoff included',
        labelNames: ['provider', 'operation'],
        buckets,
        registers: [registry],
      }),
      retries: new Counter({
        name: 'outbound_retries_total',
        help: 'Attempts repeated after a retryable failure, by provider',
        labelNames: ['provider'],
        registers: [registry],
      }),
      circuitState: new Gauge({
        name: 'outbound_circuit_state',
        help: 'Circuit breaker state by provider: 0 closed, 1 half-open, 2 open, 3 isolated',
        labelNames: ['provider'],
        registers: [registry],
      }),
    },
    clientLogsIngested: new Counter({
      name: 'client_logs_ingested_total',
      help: 'Client log entries stored from /api/ingest/logs, by level',
      labelNames: ['level'],
      registers: [registry],
    }),
    clientLogBatchesRejected: new Counter({
      name: 'client_log_batches_rejected_total',
      help: 'Client log batches refused: invalid, clock_skew, signature, too_large or rate_limited',
      labelNames: ['reason'],
      registers: [registry],
    }),
    ws: {
      open: new Gauge({
        name: 'ws_connections_open',
        help: 'Open WebSocket connections on this instance',
        registers: [registry],
      }),
      closed: new Counter({
        name: 'ws_connections_closed_total',
        help: 'WebSocket connections closed, by reason (client, token_expired, session_revoked, slow_consumer…)',
        labelNames: ['reason'],
        registers: [registry],
      }),
      upgradesRefused: new Counter({
        name: 'ws_upgrades_refused_total',
        help: 'WebSocket upgrades refused before opening: not_found, instance_limit, shutting_down',
        labelNames: ['reason'],
        registers: [registry],
      }),
      messages: new Counter({
        name: 'ws_messages_total',
        help: 'WebSocket messages by direction (in, out)',
        labelNames: ['direction'],
        registers: [registry],
      }),
    },
    business: createBusinessMetrics(registry),
    readiness: {
      ready: new Gauge({
        name: 'service_ready',
        help: 'Whether the last readiness check of this instance passed (1) or failed (0)',
        registers: [registry],
      }),
      changes: new Counter({
        name: 'service_readiness_changes_total',
        help: 'Times this instance went from ready to not ready or back',
        registers: [registry],
      }),
    },
    deprecatedCalls: new Counter({
      name: 'deprecated_procedure_calls_total',
      help: 'Calls to deprecated tRPC procedures (trpc/deprecations.ts), by procedure path',
      labelNames: ['procedure'],
      registers: [registry],
    }),
  };
  for (const outcome of ['sent', 'failed', 'abandoned']) metrics.mailMessages.inc({ outcome }, 0);
  for (const outcome of LOGIN_OUTCOMES) metrics.business.logins.inc({ outcome }, 0);
  for (const quota of QUOTAS) metrics.business.quotaDenials.inc({ quota }, 0);
  for (const source of XP_SOURCES) metrics.business.xpGranted.inc({ source }, 0);
  for (const reason of CLIENT_LOG_REJECTIONS) metrics.clientLogBatchesRejected.inc({ reason }, 0);
  for (const reason of WS_CLOSE_REASONS) metrics.ws.closed.inc({ reason }, 0);
  for (const reason of WS_UPGRADE_REFUSALS) metrics.ws.upgradesRefused.inc({ reason }, 0);
  for (const direction of ['in', 'out']) metrics.ws.messages.inc({ direction }, 0);

  const poolGauge = (name: string, help: string, pick: (stats: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(pick(poolStats()));
      },
    });
  poolGauge('db_pool_connections_total', 'Open database connections', (stats) => stats.total);
  poolGauge('db_pool_connections_idle', 'Idle database connections', (stats) => stats.idle);
  poolGauge(
    'db_pool_requests_waiting',
    'Queries waiting for a database connection',
    (stats) => stats.waiting,
  );
  poolGauge('db_pool_connections_max', 'Configured maximum database connections', (stats) => stats.max);

  return metrics;
}

/** A request refused by a daily quota: the Prometheus counter and the day's count for the admin reports. */
export function countQuotaDenial(metrics: Pick<Metrics, 'business' | 'daily'>, quota: Quota): void {
  metrics.business.quotaDenials.inc({ quota });
  metrics.daily.add('quota_denials', quota);
}

function createBusinessMetrics(registry: Registry): BusinessMetrics {
  const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  return {
    signups: counter('auth_signups_total', 'Accounts created'),
    logins: counter(
      'auth_logins_total',
      'Sign-in attempts by outcome: success, invalid_credentials, locked (refused or locked by this failure), rate_limited',
      ['outcome'],
    ),
    accountLocks: counter('auth_account_locks_total', 'Failed sign-ins that locked an account out'),
    lessonsSubmitted: counter(
      'lessons_submitted_total',
      'Lessons submitted and scored (replays not counted)',
    ),
    xpGranted: counter('xp_granted_total', 'XP points granted, by source', ['source']),
    chatMessages: counter('chat_messages_total', 'Chat messages answered and stored'),
    quotaDenials: counter('quota_denials_total', 'Requests refused by a daily quota, by quota', ['quota']),
    rateLimitHits: counter('rate_limit_hits_total', 'Requests refused by a rate limit, by policy', [
      'policy',
    ]),
  };
}
