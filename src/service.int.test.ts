import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturedLogs, testEnv, usingRedis } from '../test/harness.js';
import { trpcCall } from '../test/trpc-call.js';
import { type RunningService, startService } from './service.js';

let dataDir: string;
let logs: CapturedLogs;
let service: RunningService;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'linguamate-service-'));
  logs = new CapturedLogs();
  // The run's PostgreSQL and Redis when it has them, else embedded PGlite in a directory of its own.
  service = await startService(
    testEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ACCESS_LOG: 'off' }),
    {
      logDestination: logs,
    },
  );
});
afterAll(async () => {
  await service.stop('test done');
  await rm(dataDir, { recursive: true, force: true });
});

describe('the HTTP service role', () => {
  it('migrates, seeds and serves on the configured database and store', async () => {
    const ready = await fetch(`${service.url}/api/health/ready`);
    expect(ready.status).toBe(200);
    const lessons = await trpcCall(service.url, 'lessons.getAll', { language: 'es' });
    expect(lessons.codes).toEqual(['OK']);
    const listening = logs.lines.find((line) => String(line.msg).startsWith('listening on'));
    expect(listening).toMatchObject({ database: service.deps.database.kind, store: service.deps.kv.kind });
    const embedded = service.deps.database.kind === 'pglite' || service.deps.kv.kind === 'memory';
    expect(
      logs.lines.some((line) => String(line.msg).startsWith('embedded mode: single instance only')),
    ).toBe(embedded);
    // `npm start` runs the background jobs too (mail, pruning, rollups, reminders).
    expect(logs.lines.map((line) => line.msg)).toContain('jobs running in this process');
  });

  it.runIf(usingRedis())('leaves the jobs to separate workers with RUN_JOBS_IN_PROCESS=false', async () => {
    const apiLogs = new CapturedLogs();
    const apiOnly = await startService(
      testEnv({
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        ACCESS_LOG: 'off',
        RUN_JOBS_IN_PROCESS: 'false',
      }),
      { logDestination: apiLogs },
    );
    try {
      expect((await fetch(`${apiOnly.url}/api/health/ready`)).status).toBe(200);
      expect(apiLogs.lines.some((line) => line.msg === 'jobs running in this process')).toBe(false);
    } finally {
      await apiOnly.stop('test done');
    }
  });

  it('stops once: readiness turns 503, then the server closes, however often it is asked', async () => {
    const first = service.stop('SIGTERM');
    expect(service.stop('SIGINT')).toBe(first);
    expect(service.deps.lifecycle.shuttingDown).toBe(true);
    await first;
    await expect(fetch(`${service.url}/api/health/live`)).rejects.toThrow();
    expect(logs.lines.filter((line) => line.msg === 'shutdown complete')).toHaveLength(1);
  });
});
