import type { Env } from '../config/env.js';
import { runAsCli } from './run-cli.js';

/** How long the container's health probe waits for an answer (Docker's own timeout is longer). */
const PROBE_TIMEOUT_MS = 3_000;

/**
 * The liveness URL of this process as its roles decide (the same rule as src/main.ts): the worker role
 * alone answers `/health` on WORKER_PORT, any other set of roles `/api/health/live` on PORT. A wildcard
 * HOST is probed on loopback.
 */
export function liveUrl(env: Pick<Env, 'ROLES' | 'HOST' | 'PORT' | 'WORKER_PORT'>): string {
  const onlyWorker = env.ROLES.length === 1 && env.ROLES[0] === 'worker';
  const host = ['0.0.0.0', '::', ''].includes(env.HOST) ? '127.0.0.1' : env.HOST;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return onlyWorker
    ? `http://${hostPart}:${env.WORKER_PORT}/health`
    : `http://${hostPart}:${env.PORT}/api/health/live`;
}

/**
 * The image's HEALTHCHECK (`node dist/src/cli/healthcheck.js`): the image has no curl. Throws when the
 * process does not answer 2xx within the probe timeout, so the command exits 1.
 */
export async function probeLiveness(env: Env): Promise<void> {
  const url = liveUrl(env);
  const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`liveness answered ${response.status}`);
}

await runAsCli(import.meta.url, probeLiveness);
