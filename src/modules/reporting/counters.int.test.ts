import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { type FakeProvider, startFakeProvider } from '../../../test/fake-provider.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { openPglite, openPostgres, queryRows } from '../../db/client.js';
import { type DailyCount, DailyCounters } from '../../lib/daily-counters.js';
import { createLogger } from '../../lib/logger.js';
import { startCounterFlusher } from './counters.js';

let t: TestApp;
let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
  t = await createTestApp({
    env: { AI_BASE_URL: fake.url, AI_API_KEY: 'sk-test-key-1234', REPORT_COUNTERS_FLUSH_MS: '0' },
  });
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

const DAY_MS = 86_400_000;
/** A day of its own for each test (long ago, random), so the shared database holds only its rows. */
const ownDay = () =>
  new Date(Date.parse('1990-01-01T00:00:00Z') + Math.floor(Math.random() * 3_000) * DAY_MS);

const stored = async (day: string, metric: string, dimension = '') =>
  Number(
    (
      await queryRows<{ value: string | number }>(
        t.deps.db,
        sql`select value from ops_counters_daily where day = ${day}::date and metric = ${metric} and dimension = ${dimension}`,
      )
    )[0]?.value ?? 0,
  );
const pendingOf = (counters: DailyCounters, metric: string, dimension = '') =>
  counters
    .pending()
    .filter((count) => count.metric === metric && count.dimension === dimension)
    .reduce((sum, count) => sum + count.value, 0);
const quiet = () => createLogger({ level: 'silent', env: 'test' });

describe('per-day counters', () => {
  it('counts every answered request and the 5xx among them, without writing anything', async () => {
    const own = await createTestApp({ env: { REPORT_COUNTERS_FLUSH_MS: '0' } });
    try {
      own.app.get('/api/__test/boom', () => {
        throw new Error('a bug');
      });
      await own.request('/api/does-not-exist');
      await own.request('/api/health');
      expect((await own.request('/api/__test/boom')).status).toBe(500);
      expect(pendingOf(own.deps.metrics.daily, 'http_requests')).toBe(3);
      expect(pendingOf(own.deps.metrics.daily, 'http_errors')).toBe(1);

      const today = new Date().toISOString().slice(0, 10);
      const before = await stored(today, 'http_requests');
      await own.deps.counterFlusher.flush();
      expect(own.deps.metrics.daily.pending()).toEqual([]);
      // Other apps of the run may count today too: at least ours arrived.
      expect(await stored(today, 'http_requests')).toBeGreaterThanOrEqual(before + 3);
    } finally {
      await own.close();
    }
  });

  it('counts AI provider requests and quota denials where they happen', async () => {
    const { accessToken } = await createUser(t);
    fake.reply = () =>
      JSON.stringify({
        reply: '¡Bien!',
        corrections: [],
        nativeTranslation: 'Good',
        targetTranslation: '¡Bien!',
      });
    const send = (message: string) =>
      trpcCall(
        t,
        'chat.sendMessage',
        { message, language: 'es' },
        { headers: { authorization: `Bearer ${accessToken}` } },
      );
    for (let sent = 0; sent < 5; sent++) expect((await send(`hola ${sent}`)).status).toBe(200);
    expect((await send('otra vez')).codes).toEqual(['RATE_LIMITED']);
    expect(pendingOf(t.deps.metrics.daily, 'ai_requests', 'llm')).toBe(5);
    expect(pendingOf(t.deps.metrics.daily, 'quota_denials', 'chat_messages')).toBe(1);
  });

  it('adds up over flushes and over instances flushing at once', async () => {
    const day = ownDay();
    const dayText = day.toISOString().slice(0, 10);
    const instances = Array.from({ length: 3 }, () => {
      const counters = new DailyCounters(() => day.getTime());
      return { counters, flusher: startCounterFlusher({ db: t.deps.db, log: quiet(), counters }, 0) };
    });
    for (let round = 1; round <= 4; round++) {
      for (const { counters } of instances) {
        counters.add('http_requests', '', round);
        counters.add('ai_requests', 'llm');
      }
      await Promise.all(instances.map(({ flusher }) => flusher.flush()));
    }
    // Three instances, rounds 1+2+3+4 each.
    expect(await stored(dayText, 'http_requests')).toBe(30);
    expect(await stored(dayText, 'ai_requests', 'llm')).toBe(12);
  });

  it('keeps the counts of a failed flush in memory, throws nothing, and writes them once the database is back', async () => {
    // A real database handle, closed: every query fails as with a database that went away.
    const url = inject('databaseUrl');
    const broken = url
      ? await openPostgres({ url, poolMax: 1, statementTimeoutMs: 1_000, connectRetries: 0, log: quiet() })
      : await openPglite(null);
    await broken.close();
    const day = ownDay();
    const counters = new DailyCounters(() => day.getTime());
    const warnings: string[] = [];
    const log = createLogger({
      level: 'warn',
      env: 'test',
      destination: { write: (line: string) => warnings.push(line) },
    });
    const failing = startCounterFlusher({ db: broken.db, log, counters }, 0);
    counters.add('quota_denials', 'chat_messages', 2);
    await expect(failing.flush()).resolves.toBeUndefined();
    counters.add('quota_denials', 'chat_messages');
    await expect(failing.stop()).resolves.toBeUndefined();
    expect(warnings.some((line) => line.includes('report counters not flushed'))).toBe(true);
    expect(counters.pending()).toEqual<DailyCount[]>([
      { day: day.toISOString().slice(0, 10), metric: 'quota_denials', dimension: 'chat_messages', value: 3 },
    ]);

    await startCounterFlusher({ db: t.deps.db, log: quiet(), counters }, 0).stop();
    expect(await stored(day.toISOString().slice(0, 10), 'quota_denials', 'chat_messages')).toBe(3);
    expect(counters.pending()).toEqual([]);
  });

  it('flushes on a timer', async () => {
    const day = ownDay();
    const counters = new DailyCounters(() => day.getTime());
    const flusher = startCounterFlusher({ db: t.deps.db, log: quiet(), counters }, 50);
    try {
      counters.add('http_requests', '', 7);
      await expect
        .poll(() => stored(day.toISOString().slice(0, 10), 'http_requests'), { timeout: 5_000 })
        .toBe(7);
    } finally {
      await flusher.stop();
    }
  });
});
