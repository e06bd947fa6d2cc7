import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { CapturedLogs, usingPostgres } from '../test/harness.js';
import { parseEnv } from './config/env.js';
import { openPglite, queryRows } from './db/client.js';
import { closeDeps, createDeps } from './deps.js';

/** createDeps as `npm start` calls it: from the environment alone, opening what the environment names. */

describe('createDeps from the environment', () => {
  it('without DATABASE_URL and REDIS_URL: PGlite in DATA_DIR and in-process stores, closed by closeDeps', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'linguamate-deps-'));
    try {
      const deps = await createDeps(parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir }));
      expect(deps.database.kind).toBe('pglite');
      expect(deps.kv.kind).toBe('memory');
      expect(deps.rateLimits.storeKind).toBe('memory');
      await deps.db.execute(sql`create table notes (body text)`);
      await deps.db.execute(sql`insert into notes values ('kept')`);
      expect(deps.database.poolStats()).toEqual({ total: 1, idle: 1, waiting: 0, max: 1 });

      await closeDeps(deps);
      expect(deps.database.poolStats().idle).toBe(0);
      await deps.database.close(); // a second close, as overlapping shutdown paths do, is harmless

      // A restart finds the data where it was left.
      const reopened = await openPglite(dataDir);
      try {
        expect(await queryRows(reopened.db, sql`select body from notes`)).toEqual([{ body: 'kept' }]);
      } finally {
        await reopened.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it.runIf(usingPostgres())('with DATABASE_URL: a PostgreSQL pool there, closed by closeDeps', async () => {
    const logs = new CapturedLogs();
    const env = parseEnv({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: inject('databaseUrl')!,
      REDIS_URL: inject('redisUrl') ?? undefined,
    });
    const deps = await createDeps(env, { logDestination: logs });
    expect(deps.database.kind).toBe('postgres');
    expect(deps.database.poolStats().max).toBe(env.DATABASE_POOL_MAX);
    await deps.database.ping();

    await closeDeps(deps);
    await expect(deps.database.ping()).rejects.toThrow();
    // Closing again fails inside (the pool is already ended): logged, never thrown at the caller.
    await closeDeps(deps);
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'error while closing a dependency' }),
    );
  });
});
