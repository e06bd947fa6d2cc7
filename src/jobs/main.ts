import { ConfigError, type Env, loadEnv } from '../config/env.js';
import { type RunningWorker, startWorker } from '../worker.js';

/** Worker entry point (`npm run worker`): the job runtime, stopped gracefully on SIGTERM or SIGINT. */
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
  const worker = await startWorker(env);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void exitAfterStop(worker, env.SHUTDOWN_TIMEOUT_MS));
  }
}

async function exitAfterStop(worker: RunningWorker, drainMs: number): Promise<void> {
  const hardStop = setTimeout(() => {
    worker.deps.log.error('worker shutdown did not finish in time, exiting');
    process.exit(1);
  }, drainMs + 5_000);
  hardStop.unref();
  await worker.stop();
  await new Promise<void>((resolve) => worker.deps.log.flush(() => resolve()));
  process.exit(0);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `linguamate-api worker failed to start: ${message.replace(/\w+:\/\/\S+/g, '<url>')}\n`,
  );
  process.exit(1);
});
