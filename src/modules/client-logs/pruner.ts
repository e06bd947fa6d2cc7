import { loggableError } from '../../db/errors.js';
import type { Logger } from '../../lib/logger.js';
import { type PruneOptions, pruneClientLogs } from './prune.js';
import type { ClientLogDeps } from './service.js';

export interface ClientLogPruner {
  /** Prunes every `intervalMs` in the background (no-op when the interval is 0). Idempotent. */
  start(): void;
  /** Stops the schedule and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

export interface ClientLogPrunerOptions extends PruneOptions {
  /** Default: CLIENT_LOG_PRUNE_INTERVAL_MINUTES. */
  intervalMs?: number;
}

/**
 * The API process's schedule for `pruneClientLogs`: one run per interval, never two at once in this
 * process, and across instances only the lease holder deletes. Failures are logged and the next interval
 * tries again; nothing is thrown from the timer. Started with the service and stopped on shutdown.
 */
export function createClientLogPruner(
  deps: Pick<ClientLogDeps, 'db' | 'kv' | 'env' | 'clock'> & { log: Logger },
  options: ClientLogPrunerOptions = {},
): ClientLogPruner {
  const { intervalMs: configured, ...pruneOptions } = options;
  const intervalMs = configured ?? deps.env.CLIENT_LOG_PRUNE_INTERVAL_MINUTES * 60_000;
  const log = deps.log.child({ component: 'client-log-pruner' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const tick = () => {
    if (running) return;
    running = pruneClientLogs({ ...deps, log }, deps.clock(), { periodMs: intervalMs, ...pruneOptions })
      .then(
        () => undefined,
        (error: unknown) =>
          log.warn({ err: loggableError(error) }, 'client log pruning failed; retrying next period'),
      )
      .finally(() => {
        running = undefined;
      });
  };

  return {
    start() {
      if (timer || intervalMs <= 0) return;
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
