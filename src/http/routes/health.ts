import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Hono } from 'hono';
import type { Env } from '../../config/env.js';
import type { Database, Db } from '../../db/client.js';
import { countPendingMigrations } from '../../db/migrate.js';
import { type AiProviders, providerHealth } from '../../integrations/ai/index.js';
import { DEFAULT_RETRY_AFTER_SECONDS } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { Metrics } from '../../lib/metrics.js';
import type { KeyValueStore } from '../../lib/store/types.js';
import { respond, respondJson } from '../respond.js';

const CHECK_TIMEOUT_MS = 2_000;
/** Liveness never has anything else to say; orchestrators ask often, so its body is encoded once. */
const LIVE_BODY = JSON.stringify({ status: 'ok' });
const LOOP_DELAY_RESOLUTION_MS = 10;
/** A 503 tells load balancers and clients when to ask again (RFC 9110 §10.2.3). */
const unavailable = (report: object) =>
  respond(JSON.stringify(report), 503, 'application/json', {
    'retry-after': String(DEFAULT_RETRY_AFTER_SECONDS),
  });

interface CheckResult {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

/**
 * Probes for orchestrators and people. `live` answers as long as the event loop turns; `ready` proves,
 * with a real round trip, what an instance cannot serve without (the database, its migrations);
 * `/api/health` reports the numbers an operator looks at first, and what the service runs degraded
 * without (Redis, an AI provider whose circuit is open).
 */
export interface HealthDeps {
  /** `service_ready` and `service_readiness_changes_total`, set by each readiness answer. */
  metrics: Pick<Metrics, 'readiness'>;
  database: Pick<Database, 'kind' | 'ping' | 'poolStats'>;
  db: Db;
  kv: Pick<KeyValueStore, 'kind' | 'ping'>;
  log: Logger;
  env: Pick<Env, 'NODE_ENV'>;
  version: string;
  lifecycle: { shuttingDown: boolean };
  ai: AiProviders;
}

export function createHealthRoutes(deps: HealthDeps) {
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  loopDelay.enable();
  // The histogram records whole timer intervals; the delay is what exceeds the resolution.
  const delayMs = (nanoseconds: number) => round(Math.max(0, nanoseconds / 1e6 - LOOP_DELAY_RESOLUTION_MS));
  const startedAt = Date.now();

  // Redis is not among them: without it every instance still serves (degraded), and failing readiness
  // everywhere at once would leave a load balancer nowhere to send traffic.
  const checks: Record<string, () => Promise<unknown>> = {
    postgres: () => deps.database.ping(),
    migrations: async () => {
      const pending = await countPendingMigrations(deps.db);
      if (pending > 0) throw new Error(`${pending} migration(s) pending`);
    },
  };

  // What the orchestrator saw last, and each change of it: `service_ready`, and its flapping.
  let lastReady: boolean | undefined;
  const recordReadiness = (ready: boolean) => {
    deps.metrics.readiness.ready.set(ready ? 1 : 0);
    if (lastReady !== undefined && lastReady !== ready) deps.metrics.readiness.changes.inc();
    lastReady = ready;
  };

  return new Hono()
    .get('/live', () => respond(LIVE_BODY, 200, 'application/json'))
    .get('/ready', async () => {
      if (deps.lifecycle.shuttingDown) {
        return unavailable({ status: 'unavailable', failing: ['shutdown'], checks: {} });
      }
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((name) => runCheck(checks[name]!)));
      const report = Object.fromEntries(names.map((name, index) => [name, results[index]!]));
      const failing = names.filter((_, index) => !results[index]!.ok);
      recordReadiness(failing.length === 0);
      if (failing.length > 0) {
        deps.log.warn({ failing, checks: report }, 'readiness check failed');
        return unavailable({ status: 'unavailable', failing, checks: report });
      }
      return respondJson({ status: 'ready', checks: report });
    })
    .get('/', async () => {
      const memory = process.memoryUsage();
      const providers = providerHealth(deps.ai);
      const storeName = deps.kv.kind === 'redis' ? 'redis' : 'store';
      const store = await runCheck(() => deps.kv.ping());
      // A lost Redis or an open breaker degrade some features only: readiness stays up, the API serves.
      const degraded = [
        ...(store.ok ? [] : [storeName]),
        ...Object.entries(providers)
          .filter(([, provider]) => 'circuit' in provider && provider.circuit !== 'closed')
          .map(([name]) => name),
      ];
      const toMb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
      return respondJson({
        status: degraded.length > 0 ? 'degraded' : 'ok',
        degraded,
        timestamp: new Date().toISOString(),
        version: deps.version,
        env: deps.env.NODE_ENV,
        uptime: Math.round((Date.now() - startedAt) / 1000),
        mode: { database: deps.database.kind, store: deps.kv.kind },
        memory: {
          rssMb: toMb(memory.rss),
          heapUsedMb: toMb(memory.heapUsed),
          heapTotalMb: toMb(memory.heapTotal),
        },
        eventLoopDelayMs: {
          mean: delayMs(loopDelay.mean),
          p99: delayMs(loopDelay.percentile(99)),
          max: delayMs(loopDelay.max),
        },
        pool: deps.database.poolStats(),
        dependencies: { [storeName]: store },
        providers,
      });
    });
}

async function runCheck(check: () => Promise<unknown>): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return { ok: true, latencyMs: round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: round(performance.now() - started), error: describe(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** A short, secret-free description: error class and code, plus the message minus anything URL-like. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'failed';
  const code = (error as { code?: unknown }).code;
  const message = error.message.replace(/\w+:\/\/\S+/g, '<url>').slice(0, 200);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

const round = (value: number) => Math.round(value * 100) / 100;
