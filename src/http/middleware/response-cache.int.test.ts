import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { type TrpcAnswer, trpcCall } from '../../../test/trpc-call.js';
import { type Database, openPglite } from '../../db/client.js';
import { runMigrations } from '../../db/migrate.js';
import { seedIfNeeded } from '../../db/seed/seed.js';
import { createLogger } from '../../lib/logger.js';

// A private database: these tests change catalogue rows that other test files read.
let database: Database;
let cachedApp: TestApp;
let uncachedApp: TestApp;

beforeAll(async () => {
  database = await openPglite(null);
  const log = createLogger({ level: 'silent', env: 'test' });
  await runMigrations(database.db, log);
  await seedIfNeeded(database.db, log);
  // In-process stores for both apps so the shared-store lesson cache cannot leak between them.
  cachedApp = await createTestApp({ database, env: { REDIS_URL: undefined } });
  uncachedApp = await createTestApp({
    database,
    env: { REDIS_URL: undefined, RESPONSE_CACHE_SECONDS: '0', LESSON_CACHE_TTL_SECONDS: '0' },
  });
});
afterAll(async () => {
  await cachedApp.close();
  await uncachedApp.close();
  await database.close();
});

const getLesson = (t: TestApp, id: string, headers: Record<string, string> = {}) =>
  trpcCall(t, 'lessons.getById', { id }, { headers });

const titleOf = (answer: TrpcAnswer) => (answer.results[0] as { title: string } | undefined)?.title;

describe('whole-response cache for public reads', () => {
  it('serves a repeated read from cache, with Cache-Control and the request id of the new request', async () => {
    const first = await getLesson(cachedApp, 'basic-greetings');
    expect(first.response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(titleOf(first)).toBe('Basic Greetings');

    await database.db.execute(sql`update lessons set title = 'Renamed' where id = 'basic-greetings'`);

    const second = await getLesson(cachedApp, 'basic-greetings', { 'x-correlation-id': 'cached-2' });
    expect(second.response.headers.get('x-correlation-id')).toBe('cached-2');
    expect(second.response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(titleOf(second)).toBe('Basic Greetings');
    expect(titleOf(await getLesson(uncachedApp, 'basic-greetings'))).toBe('Renamed');
  });

  it('never caches an error answer', async () => {
    expect((await getLesson(cachedApp, 'added-later')).status).toBe(404);
    await database.db.execute(
      sql`insert into lessons (id, language, type, title, description, icon, difficulty, estimated_time_min, xp_reward)
          values ('added-later', 'es', 'vocabulary', 'Added Later', 'x', '📘', 'beginner', 5, 10)`,
    );
    const answer = await getLesson(cachedApp, 'added-later');
    expect(answer.status).toBe(200);
    expect(titleOf(answer)).toBe('Added Later');
  });

  it('leaves mutations and non-cacheable procedures alone', async () => {
    const { response } = await trpcCall(cachedApp, 'example.hi', { name: 'Ana' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBeNull();
  });
});
