import { type ChildProcess, spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { createTestApp, TEST_JWT_SECRET, type TestApp, usingPostgres } from '../../../test/harness.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { queryRows } from '../../db/client.js';
import { projectRoot } from '../../lib/project-root.js';

/**
 * The durability contract of `analytics.trackEvent`: an answered event has been committed, so killing the
 * server outright (SIGKILL: no shutdown, no flush) loses none of them. The server runs in a process of its
 * own on the run's PostgreSQL; embedded PGlite lives inside the test process, so the test needs the real
 * database.
 */

let t: TestApp;

async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATABASE_URL: inject('databaseUrl') ?? '',
      REDIS_URL: inject('redisUrl') ?? '',
      JWT_SECRET: TEST_JWT_SECRET,
      MIGRATE_ON_START: 'false',
      SEED_ON_START: 'false',
      // Batches that wait a while, so the kill finds events accepted and not yet written.
      ANALYTICS_BATCH_MAX_WAIT_MS: '50',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await expect.poll(() => output, { timeout: 60_000, interval: 100 }).toContain('listening on');
  const listening = output
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { url?: string })
    .find((line) => line.url);
  return { child, url: listening!.url! };
}

describe.runIf(usingPostgres())('analytics.trackEvent durability', () => {
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('keeps every answered event when the server is killed with SIGKILL mid-stream', async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => createUser(t)));
    const { child, url } = await startServer();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const answered: string[] = [];
    let cut = 0;
    try {
      // Eight clients send events back to back until the server is gone.
      const clients = users.map(async (user, index) => {
        for (let n = 0; ; n++) {
          try {
            const answer = await trpcCall(
              url,
              'analytics.trackEvent',
              { event: 'screen_viewed', properties: { screen: `c${index}-${n}` } },
              { headers: { authorization: user.authorization } },
            );
            if (answer.codes[0] !== 'OK') throw new Error(`refused: ${answer.text}`);
            answered.push((answer.results[0] as { eventId: string }).eventId);
          } catch (error) {
            if (error instanceof Error && error.message.startsWith('refused')) throw error;
            cut++;
            return;
          }
        }
      });
      await expect.poll(() => answered.length, { timeout: 30_000, interval: 10 }).toBeGreaterThanOrEqual(150);
      child.kill('SIGKILL');
      await Promise.all(clients);
      await exited;
    } finally {
      child.kill('SIGKILL');
    }

    expect(cut).toBe(users.length);
    const stored = await queryRows<{ id: string }>(
      t.deps.db,
      sql`select id::text as "id" from analytics_events
          where user_id in (${sql.join(
            users.map((user) => sql`${user.user.id}::uuid`),
            sql`, `,
          )})`,
    );
    const storedIds = new Set(stored.map((row) => row.id));
    expect(answered.filter((id) => !storedIds.has(id))).toEqual([]);
    expect(storedIds.size).toBeGreaterThanOrEqual(answered.length);
  }, 120_000);
});
