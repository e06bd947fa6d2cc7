import { ConfigError, type Env, loadEnv } from './config/env.js';
import { startService } from './service.js';
import { startWorker } from './worker.js';

/**
 * Entry point of every role (`ROLES`): `worker` alone is the job worker (src/worker.ts, with its own
 * health server on WORKER_PORT); any other set is the HTTP service (src/service.ts) playing those roles.
 * Stopped gracefully on SIGTERM or SIGINT.
 */
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
  const onlyWorker = env.ROLES.length === 1 && env.ROLES[0] === 'worker';
  const service: Stoppable = onlyWorker ? await startWorker(env) : await startService(env);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void exitAfterStop(service, signal, env.SHUTDOWN_TIMEOUT_MS));
  }
}

interface Stoppable {
  deps: { log: { error(message: string): void; flush(done: () => void): void } };
  stop(reason: string): Promise<void>;
}

async function exitAfterStop(service: Stoppable, signal: string, drainMs: number): Promise<void> {
  // A drain that hangs past its deadline (a stuck dependency) must not keep the process alive.
  const hardStop = setTimeout(() => {
    service.deps.log.error('shutdown did not finish in time, exiting');
    process.exit(1);
  }, drainMs + 5_000);
  hardStop.unref();
  await service.stop(signal);
  // Wait for buffered log lines to be written, in order, before the process goes.
  await new Promise<void>((resolve) => service.deps.log.flush(() => resolve()));
  process.exit(0);
}

main().catch((error: unknown) => {
  // Start-up failures: one line, no stack, no secrets (messages come from our own code or drivers).
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`linguamate-api failed to start: ${message.replace(/\w+:\/\/\S+/g, '<url>')}\n`);
  process.exit(1);
});
