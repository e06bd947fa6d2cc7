import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CapturedLogs, testEnv, usingRedis } from '../test/harness.js';
import { trpcCall } from '../test/trpc-call.js';
import { type RunningService, startService } from './service.js';

/** Whether a WebSocket to `url` opens (false when the upgrade is refused or not answered as one). */
function opens(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      socket.close();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('unexpected-response', (_request, response) => {
      response.resume();
      socket.terminate();
      resolve(false);
    });
  });
}

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

  it.runIf(usingRedis())(
    'leaves the jobs to separate workers with ROLES=api,realtime (no worker)',
    async () => {
      const apiLogs = new CapturedLogs();
      const apiOnly = await startService(
        testEnv({
          PORT: '0',
          HOST: '127.0.0.1',
          DATA_DIR: dataDir,
          ACCESS_LOG: 'off',
          ROLES: 'api,realtime',
        }),
        { logDestination: apiLogs },
      );
      try {
        expect((await fetch(`${apiOnly.url}/api/health/ready`)).status).toBe(200);
        expect(apiLogs.lines.some((line) => line.msg === 'jobs running in this process')).toBe(false);
      } finally {
        await apiOnly.stop('test done');
      }
    },
  );

  it.runIf(usingRedis())('serves WebSocket in the realtime role only', async () => {
    const started = await Promise.all(
      ['api', 'realtime'].map((roles) =>
        startService(
          testEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ACCESS_LOG: 'off', ROLES: roles }),
          { logDestination: new CapturedLogs() },
        ),
      ),
    );
    try {
      const [api, realtime] = started.map((one) => `${one.url.replace('http', 'ws')}/api/trpc`);
      await expect(opens(realtime!)).resolves.toBe(true);
      await expect(opens(api!)).resolves.toBe(false);
      // Both answer HTTP tRPC and report ready.
      for (const one of started) expect((await fetch(`${one.url}/api/health/ready`)).status).toBe(200);
    } finally {
      await Promise.all(started.map((one) => one.stop('test done')));
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
