import { CLIENT_LOG_LEVELS, type ClientLogLevel } from '../../db/schema/index.js';
import { deleteClientLogsBefore } from './repo.js';
import type { ClientLogDeps } from './service.js';

export interface PruneOptions {
  /** Rows deleted per statement. Default 1000. */
  batchSize?: number;
  /** Statements per level per run; what is left waits for the next run. Default 100. */
  maxBatchesPerLevel?: number;
  /** Prefix of the lease key in the shared store. Default `client-logs:prune`. */
  leaseKey?: string;
  /** Length of a pruning period, the lease's life. Default CLIENT_LOG_PRUNE_INTERVAL_MINUTES (60 when 0). */
  periodMs?: number;
}

export interface PruneResult {
  /** False when another run (another instance) holds this period's lease: nothing was deleted. */
  ran: boolean;
  deleted: Record<ClientLogLevel, number>;
  /** DELETE statements issued. */
  batches: number;
}

/**
 * Deletes client logs older than their level's retention (CLIENT_LOG_RETENTION_DAYS, counted from when
 * they were received), in statements of at most `batchSize` rows so no statement holds locks for long.
 * Runs once per pruning period across all instances: the first to take the period's lease in the shared
 * store (set-if-absent, expiring with the period) prunes; the others answer `ran: false`. `now` decides
 * both the period and the cut-offs.
 */
export async function pruneClientLogs(
  deps: Pick<ClientLogDeps, 'db' | 'kv' | 'log' | 'env'>,
  now: Date,
  options: PruneOptions = {},
): Promise<PruneResult> {
  const batchSize = options.batchSize ?? 1_000;
  const maxBatches = options.maxBatchesPerLevel ?? 100;
  const periodMs = options.periodMs ?? (deps.env.CLIENT_LOG_PRUNE_INTERVAL_MINUTES || 60) * 60_000;
  const period = Math.floor(now.getTime() / periodMs);
  const deleted = Object.fromEntries(CLIENT_LOG_LEVELS.map((level) => [level, 0])) as Record<
    ClientLogLevel,
    number
  >;
  const lease = `${options.leaseKey ?? 'client-logs:prune'}:${period}`;
  if (!(await deps.kv.setIfAbsent(lease, now.toISOString(), periodMs)))
    return { ran: false, deleted, batches: 0 };

  let batches = 0;
  for (const level of CLIENT_LOG_LEVELS) {
    const before = new Date(now.getTime() - deps.env.CLIENT_LOG_RETENTION_DAYS[level] * 86_400_000);
    for (let batch = 0; batch < maxBatches; batch++) {
      const count = await deleteClientLogsBefore(deps.db, { level, before, limit: batchSize });
      batches++;
      deleted[level] += count;
      if (count < batchSize) break;
    }
  }
  const total = Object.values(deleted).reduce((sum, count) => sum + count, 0);
  if (total > 0)
    deps.log.info({ evt: 'client_logs_pruned', deleted, batches }, `pruned ${total} client logs`);
  return { ran: true, deleted, batches };
}
