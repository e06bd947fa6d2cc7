import type { Env } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import type { ClientLogLevel, NewClientLog } from '../../db/schema/index.js';
import { AppError, toFieldIssues } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { ClientLogRejection, Metrics } from '../../lib/metrics.js';
import { redactJson, redactText } from '../../lib/redact.js';
import type { KeyValueStore } from '../../lib/store/types.js';
import { insertClientLogs } from './repo.js';
import { jsonDepth, type LogEnvelope, logBatch, MAX_BODY_DEPTH, MAX_MESSAGE_LENGTH } from './schema.js';
import { signedPayload, verifySignature } from './signature.js';

/** What the client log module needs; src/deps.ts provides it. */
export interface ClientLogDeps {
  db: Db;
  kv: KeyValueStore;
  log: Logger;
  env: Pick<
    Env,
    'LOG_INGEST_SIGNING_KEY' | 'CLIENT_LOG_RETENTION_DAYS' | 'CLIENT_LOG_PRUNE_INTERVAL_MINUTES'
  >;
  metrics: Pick<Metrics, 'clientLogsIngested' | 'clientLogBatchesRejected'>;
  clock: () => Date;
}

/** Who delivered a batch: the request's correlation id, and the user its access token names, if valid. */
export interface IngestRequest {
  requestId: string;
  userId: string | null;
}

/** A signature further than this from the server's clock is refused: it bounds how long one can be replayed. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** pino's method for each client level (api-contract §4); security entries are also marked as such. */
const PINO_LEVEL = {
  trace: 'debug',
  debug: 'debug',
  info: 'info',
  notice: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
  security: 'error',
} as const satisfies Record<ClientLogLevel, string>;

/** Counts a refused batch by reason and answers the error to throw. */
export function refuseBatch(
  deps: Pick<ClientLogDeps, 'metrics'>,
  reason: ClientLogRejection,
  error: AppError,
): AppError {
  deps.metrics.clientLogBatchesRejected.inc({ reason });
  return error;
}

/**
 * Stores a batch of the app's log entries (`POST /api/ingest/logs`) and re-emits each through our log at
 * its level. `body` is the request's text. In order: not JSON, nested too deep or not a batch → 400
 * VALIDATION_ERROR; a signature timestamp more than 5 minutes from the server's clock → 400 CLOCK_SKEW;
 * with LOG_INGEST_SIGNING_KEY set, a missing or wrong signature → 401 UNAUTHORIZED. Messages and contexts
 * are stored and logged redacted (credentials, emails, phone and card numbers); an entry without a
 * correlation id gets the request's. Answers how many entries were stored.
 */
export async function ingestClientLogs(
  deps: ClientLogDeps,
  request: IngestRequest,
  body: string,
): Promise<{ count: number }> {
  const invalid = (issues?: ReturnType<typeof toFieldIssues>) =>
    refuseBatch(
      deps,
      'invalid',
      new AppError('VALIDATION_ERROR', 'Invalid log batch format', issues ? { issues } : undefined),
    );
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw invalid();
  }
  if (jsonDepth(json, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) throw invalid();
  const parsed = logBatch.safeParse(json);
  if (!parsed.success) throw invalid(toFieldIssues(parsed.error.issues).slice(0, 20));
  const { logs, sig } = parsed.data;

  const now = deps.clock();
  if (sig && Math.abs(now.getTime() - Date.parse(sig.ts)) > MAX_CLOCK_SKEW_MS)
    throw refuseBatch(deps, 'clock_skew', new AppError('CLOCK_SKEW', 'Clock skew too large'));
  const key = deps.env.LOG_INGEST_SIGNING_KEY;
  if (key) {
    const received = (json as { logs: unknown[] }).logs;
    if (!sig || !verifySignature(signedPayload(received, sig.ts), sig.hmac, key))
      throw refuseBatch(deps, 'signature', new AppError('UNAUTHORIZED', 'Invalid signature'));
  }

  const rows = logs.map((entry) => toRow(entry, request, now));
  await insertClientLogs(deps.db, rows);
  for (const row of rows) {
    deps.metrics.clientLogsIngested.inc({ level: row.level });
    reemit(deps.log, row);
  }
  return { count: rows.length };
}

function toRow(entry: LogEnvelope, request: IngestRequest, receivedAt: Date): NewClientLog {
  const device = entry.device ? (redactJson(entry.device) as NonNullable<LogEnvelope['device']>) : null;
  return {
    ts: entry.ts,
    level: entry.lvl,
    category: redactText(entry.cat).slice(0, 100),
    event: redactText(entry.evt).slice(0, 100),
    // Redaction may lengthen a text ("a@b.co" → "[REDACTED]"): the bounds hold for what is stored.
    message: redactText(entry.msg).slice(0, MAX_MESSAGE_LENGTH),
    data: redactJson(entry.data ?? {}) as Record<string, unknown>,
    device,
    appVersion: device?.appVer ?? null,
    platform: device?.platform ?? null,
    userId: request.userId,
    correlationId: entry.corr?.correlationId ?? request.requestId,
    sessionId: entry.corr?.sessionId ?? null,
    requestId: request.requestId,
    receivedAt,
  };
}

/** One line in our own log per entry, at its level, with what was stored (already redacted). */
function reemit(log: Logger, row: NewClientLog): void {
  const fields = {
    evt: 'client_log',
    client: {
      lvl: row.level.toUpperCase(),
      cat: row.category,
      evt: row.event,
      ts: row.ts.toISOString(),
      data: row.data,
      appVersion: row.appVersion,
      platform: row.platform,
      sessionId: row.sessionId,
    },
    correlationId: row.correlationId,
    userId: row.userId,
  };
  const message = row.message || row.event;
  if (row.level === 'security')
    log.error({ ...fields, lvl: 'SECURITY', cat: 'security', securityEvent: row.event }, message);
  else log[PINO_LEVEL[row.level]](fields, message);
}
