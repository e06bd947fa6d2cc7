import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientWithToken } from '../test/factories.js';
import {
  CapturedLogs,
  createTestApp,
  type TestApp,
  testDatabase,
  testEnv,
  unique,
  usingRedis,
} from '../test/harness.js';
import { startSmtpServer, type TestSmtpServer } from '../test/smtp-server.js';
import { createMailer } from './integrations/mailer/index.js';
import type { JobRuntime } from './jobs/queue.js';
import { mailDispatch } from './jobs/registry.js';
import { startJobRuntime } from './jobs/runtime.js';
import { type RunningWorker, startWorker } from './worker.js';

let smtp: TestSmtpServer;
let api: TestApp;
let prefix: string;
const DOMAIN = `${unique('worker')}.example`;
const stops: (() => Promise<unknown>)[] = [];

// The safety-net schedule is an hour: only the job the API queues after committing mail can deliver it.
const workerSettings = (smtpUrl: string) => ({
  SMTP_URL: smtpUrl,
  MAIL_DISPATCH_INTERVAL_SECONDS: '3600',
  WORKER_PORT: '0',
  HOST: '127.0.0.1',
  MIGRATE_ON_START: 'false',
});

beforeAll(async () => {
  smtp = await startSmtpServer();
  prefix = unique('jobs');
  api = await createTestApp({ env: workerSettings(smtp.url), jobsPrefix: prefix });
});
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await api.close();
  await smtp.close();
});

/**
 * The mail-dispatch job where this run can take it: a separate worker on the same Redis, or (embedded
 * mode) the API's own process, as `npm start` runs it. Either way it sends only this file's domain: the
 * outbox is shared by every test on the database.
 */
async function startMailWorker(): Promise<void> {
  if (usingRedis()) {
    const worker = await startWorker(testEnv(workerSettings(smtp.url)), {
      database: await testDatabase(),
      logDestination: new CapturedLogs(),
      jobs: { prefix, wakeMailJob: false },
      mailer: { dispatcher: { onlyDomain: DOMAIN } },
      definitions: [mailDispatch],
    });
    stops.push(() => worker.stop());
    return;
  }
  const mailer = createMailer(
    {
      db: api.deps.db,
      log: api.deps.log,
      env: api.deps.env,
      metrics: api.deps.metrics,
      clock: api.deps.clock,
    },
    { dispatcher: { onlyDomain: DOMAIN } },
  );
  const runtime: JobRuntime = await startJobRuntime(
    [mailDispatch],
    { ...api.deps, mailer, registry: api.deps.metrics.registry },
    api.deps.jobs,
  );
  stops.push(async () => {
    await runtime.stop(1_000);
    await mailer.stop();
  });
}

describe('mail dispatch as a job', () => {
  it('delivers mail the API queued, through the worker and a real SMTP server', async () => {
    await startMailWorker();
    const anonymous = await clientWithToken(api, null);
    const email = `${unique('mail')}@${DOMAIN}`;
    await anonymous.auth.signup.mutate({ name: 'Worker Mail', email, password: 'Secret123' });
    const mail = await smtp.waitForMessage(email, { timeoutMs: 10_000 });
    expect(mail.subject).toBe('Your Linguamate verification code');
    expect(await api.deps.metrics.registry.metrics()).not.toContain('outcome="dead_lettered"');
  });
});

describe('startWorker', () => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker(testEnv({ WORKER_PORT: '0', HOST: '127.0.0.1', MIGRATE_ON_START: 'false' }), {
      database: await testDatabase(),
      logDestination: new CapturedLogs(),
      jobs: { prefix: unique('jobs'), wakeMailJob: false },
      definitions: [],
    });
  });

  it('answers health, readiness (database, and Redis when configured) and metrics', async () => {
    expect((await fetch(`${worker.url}/health`)).status).toBe(200);
    const ready = await fetch(`${worker.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      checks: usingRedis() ? { postgres: 'ok', redis: 'ok' } : { postgres: 'ok' },
    });
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    expect(metrics).toContain('# TYPE job_queue_depth gauge');
    expect((await fetch(`${worker.url}/nope`)).status).toBe(404);
  });

  it('stops gracefully: readiness fails, then the port closes', async () => {
    const stopped = worker.stop();
    await stopped;
    await expect(fetch(`${worker.url}/health`)).rejects.toThrow();
    expect(worker.deps.lifecycle.shuttingDown).toBe(true);
  });
});
