import { ConfigError, type Env, loadEnv } from './config/env.js';
import { releaseOf } from './lib/app-version.js';
import type { Tracing } from './lib/telemetry/sdk.js';

/**
 * Entry point of every role (`ROLES`): `worker` alone is the job worker (src/worker.ts, with its own
 * health server on WORKER_PORT); any other set is the HTTP service (src/service.ts) playing those roles.
 * Stopped gracefully on SIGTERM or SIGINT.
 *
 * Tracing, when configured, starts first: its instrumentations patch pg, ioredis and undici as they load,
 * so the service's modules are imported only after it (hence the dynamic imports).
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
  const tracing = await startTracingIfConfigured(env);
  const onlyWorker = env.ROLES.length === 1 && env.ROLES[0] === 'worker';
  const service: Stoppable = onlyWorker
    ? await (await import('./worker.js')).startWorker(env)
    : await (await import('./service.js')).startService(env);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void exitAfterStop(service, tracing, signal, env.SHUTDOWN_TIMEOUT_MS));
  }
}

async function startTracingIfConfigured(env: Env): Promise<Tracing | undefined> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const { startTracing } = await import('./lib/telemetry/sdk.js');
  return startTracing({
    endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    samplingRatio: env.OTEL_TRACES_SAMPLER_ARG,
    serviceName: env.OTEL_SERVICE_NAME,
    release: releaseOf(env),
    environment: env.NODE_ENV,
    roles: env.ROLES,
  });
}

interface Stoppable {
  deps: { log: { error(message: string): void; flush(done: () => void): void } };
  stop(reason: string): Promise<void>;
}

async function exitAfterStop(
  service: Stoppable,
  tracing: Tracing | undefined,
  signal: string,
  drainMs: number,
): Promise<void> {
  // A drain that hangs past its deadline (a stuck dependency) must not keep the process alive.
  const hardStop = setTimeout(() => {
    service.deps.log.error('shutdown did not finish in time, exiting');
    process.exit(1);
  }, drainMs + 5_000);
  hardStop.unref();
  await service.stop(signal);
  // The last requests' spans are exported before the process goes.
  await tracing?.shutdown().catch(() => undefined);
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
