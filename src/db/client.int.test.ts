import { describe, expect, inject, it } from 'vitest';
import { CapturedLogs, usingPostgres } from '../../test/harness.js';
import { closedPort } from '../../test/ports.js';
import { createLogger } from '../lib/logger.js';
import { openPostgres } from './client.js';

describe('PostgreSQL pool', () => {
  it('retries an unreachable server with backoff, then gives up with the connection error', async () => {
    const logs = new CapturedLogs();
    const started = Date.now();
    await expect(
      openPostgres({
        url: `postgres://postgres@127.0.0.1:${await closedPort()}/linguamate`,
        poolMax: 1,
        statementTimeoutMs: 1_000,
        connectRetries: 2,
        log: createLogger({ level: 'warn', env: 'test', destination: logs }),
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const retries = logs.lines.filter((line) => line.msg === 'postgres not reachable yet, retrying');
    expect(retries.map((line) => line.attempt)).toEqual([1, 2]);
    // 250 ms then 500 ms, each with up to half taken off as jitter.
    expect(Date.now() - started).toBeGreaterThanOrEqual(375);
  });

  it.runIf(usingPostgres())('reports its pool and closes', async () => {
    const database = await openPostgres({
      url: inject('databaseUrl')!,
      poolMax: 3,
      statementTimeoutMs: 1_000,
      connectRetries: 0,
      log: createLogger({ level: 'silent', env: 'test' }),
    });
    await database.ping();
    expect(database.kind).toBe('postgres');
    expect(database.poolStats()).toMatchObject({ max: 3, waiting: 0 });
    expect(database.poolStats().total).toBeGreaterThanOrEqual(1);
    await database.close();
    await expect(database.ping()).rejects.toThrow();
  });
});
