import { availableParallelism } from 'node:os';
import pg from 'pg';
import { RATE_LIMIT_POLICIES } from '../src/lib/rate-limit/policies.js';
import {
  closedLoop,
  type Measurement,
  printTable,
  productionEnv,
  startProcess,
  trpcBatch,
  trpcCall,
} from './lib.js';

/**
 * `npm run bench:learning`: the learning domain at a million learners, on real PostgreSQL and Redis
 * (DATABASE_URL and REDIS_URL). Seeds BENCH_USERS (default 1,000,000) learners with XP straight in SQL
 * (generate_series, in batches, with progress) unless they are there already, then measures against the
 * real server: the leaderboard's top 100, one's own rank, lessons.submit, and analytics.trackEvent.
 * Prints P50/P95/P99 and req/s per target.
 */
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (!databaseUrl || !redisUrl) {
  process.stderr.write(
    'bench:learning needs DATABASE_URL and REDIS_URL (a million users is not for PGlite)\n',
  );
  process.exit(2);
}
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const userCount = Number(process.env.BENCH_USERS ?? 1_000_000);
const BATCH = 50_000;
const PASSWORD = 'Bench-Password-2026';

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Learners `bench-<n>@bench.invalid` with XP spread like a real game (most low, a long tail high). */
async function seedLearners(): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const existing = Number(
      (await client.query(`select count(*) from users where email like 'bench-%@bench.invalid'`)).rows[0]
        .count,
    );
    if (existing >= userCount) {
      log(`${existing.toLocaleString()} bench learners already seeded`);
      return;
    }
    const started = performance.now();
    for (let from = existing; from < userCount; from += BATCH) {
      const to = Math.min(userCount, from + BATCH) - 1;
      // One statement per batch: the users, their settings, their stats with XP from a skewed distribution
      // (most low, a long tail high; streaks and lessons loosely follow), and a ledger entry this week.
      await client.query(
        `with created as (
           insert into users (email, password_hash, name, display_name)
           select 'bench-' || n || '@bench.invalid', 'not-a-password-hash', 'Bench ' || n, 'Bench Learner ' || n
           from generate_series($1::int, $2::int) as n
           returning id),
         settings as (insert into user_settings (user_id) select id from created),
         stats as (
           insert into user_stats (user_id, xp_points, streak_days, lessons_completed, last_active_date)
           select id, xp, least(xp / 90, 400), xp / 120, current_date - (xp % 7)
           from (select id, floor(power(random(), 3) * 20000)::int as xp from created) as drawn
           returning user_id, xp_points)
         insert into xp_events (user_id, amount, source, ref_id, created_at)
         select user_id, greatest(xp_points / 20, 1), 'lesson', 'bench', now() - random() * interval '6 days'
         from stats where xp_points > 0`,
        [from, to],
      );
      const done = to + 1;
      const rate = (done - existing) / ((performance.now() - started) / 1000);
      log(`seeded ${done.toLocaleString()} / ${userCount.toLocaleString()} learners (${Math.round(rate)}/s)`);
    }
    await client.query('analyze users; analyze user_stats; analyze xp_events');
  } finally {
    await client.end();
  }
}

const server = await startProcess(
  'src/main.ts',
  {
    ...productionEnv(databaseUrl, redisUrl),
    DATABASE_POOL_MAX: String(Math.max(10, connections)),
    // The whole-response cache would answer the public reads from memory: measure the service behind it.
    RESPONSE_CACHE_SECONDS: '0',
  },
  '/api/health/ready',
);

// After the server has migrated the database, and before anything reads a leaderboard, so that the first
// read builds the rankings from PostgreSQL with every seeded learner in them.
await seedLearners();

let ipCount = 0;
/** Each signup claims another benchmarking-range address, as real traffic comes from many. */
const nextIp = () => {
  ipCount++;
  return `198.18.${(ipCount >> 8) & 255}.${ipCount & 255}`;
};

/**
 * Learners per client: each call goes to the next of the client's own learners, so that per-user rate
 * limits and one learner's one-at-a-time submissions do not bound what is measured.
 */
const LEARNERS_PER_CLIENT = 16;

/** Calls per HTTP request for analytics: the server's default batch cap, as the app's queue flushes. */
const EVENTS_PER_REQUEST = 20;
/** Events measured per second at most before the learners' ingest budgets run dry: twice the target. */
const INGEST_CEILING = 40_000;
const ingestBudget = RATE_LIMIT_POLICIES.find((policy) => policy.name === 'ingest')!;
const ingestLearners = Math.ceil(
  (INGEST_CEILING * seconds) / (ingestBudget.points * Math.max(1, seconds / ingestBudget.durationSeconds)),
);

const rows: Measurement[] = [];
const addRow = (row: Measurement | null) => row && rows.push(row);
/**
 * BENCH_ONLY=<part of a row's name> measures that row alone; BENCH_PROFILE=<directory> writes a CPU profile
 * of the server per row.
 */
async function selectedLoop(...args: Parameters<typeof closedLoop>) {
  if (process.env.BENCH_ONLY && !args[0].includes(process.env.BENCH_ONLY)) return null;
  const stopProfile = await server.profile(args[0]);
  const row = await closedLoop(...args);
  await stopProfile();
  return row;
}
try {
  const measuresIngest = !process.env.BENCH_ONLY || 'analytics.trackEvent'.includes(process.env.BENCH_ONLY);
  const learners = await signUpLearners(
    Math.max(connections * LEARNERS_PER_CLIENT, measuresIngest ? ingestLearners : 0),
  );

  const rebuildStarted = performance.now();
  await trpcCall(server.url, 'query', 'leaderboard.get', { sortBy: 'xp', limit: 100 });
  log(
    `leaderboard ranking built from PostgreSQL in ${((performance.now() - rebuildStarted) / 1000).toFixed(1)} s`,
  );

  let calls = 0;
  const learnerOf = (worker: number) =>
    learners[worker * LEARNERS_PER_CLIENT + (calls++ % LEARNERS_PER_CLIENT)]!;
  // The floor: the cheapest procedure through the same stack (HTTP, tRPC, superjson, rate limit).
  addRow(
    await selectedLoop(
      'floor: example.hi (1 clients)',
      1,
      seconds,
      async () => {
        await trpcCall(
          server.url,
          'mutation',
          'example.hi',
          { name: 'bench' },
          { 'x-forwarded-for': nextIp() },
        );
      },
      { server },
    ),
  );

  // Each read at one client (its latency alone) and at many (throughput, latency under queueing).
  for (const clients of [1, connections]) {
    addRow(
      await selectedLoop(
        `leaderboard.get top 100 (${clients} clients)`,
        clients,
        seconds,
        async () => {
          await trpcCall(
            server.url,
            'query',
            'leaderboard.get',
            { sortBy: 'xp', limit: 100 },
            { 'x-forwarded-for': nextIp() },
          );
        },
        { server },
      ),
    );
    addRow(
      await selectedLoop(
        `leaderboard.getUserStats: own rank (${clients} clients)`,
        clients,
        seconds,
        async (w) => {
          const learner = learnerOf(w);
          await trpcCall(
            server.url,
            'query',
            'leaderboard.getUserStats',
            { userId: learner.userId },
            { authorization: learner.authorization },
          );
        },
        { server },
      ),
    );
  }

  // Each learner answers the exercises of the same beginner lesson, all right, as the app would send them.
  const lessonId = 'basic-greetings';
  const answers = await answersFor(learners[0]!.authorization, lessonId);
  addRow(
    await selectedLoop(
      `lessons.submit, scored (${connections} clients)`,
      connections,
      seconds,
      async (w) => {
        await trpcCall(
          server.url,
          'mutation',
          'lessons.submit',
          { lessonId, answers },
          {
            authorization: learnerOf(w).authorization,
          },
        );
      },
      { server },
    ),
  );

  // Each request carries a batch of events of one learner; learners take turns so no budget runs dry.
  let ingestCalls = 0;
  const eventBatch = Array.from({ length: EVENTS_PER_REQUEST }, (_, index) => ({
    event: 'screen_viewed',
    properties: { screen: index % 2 ? 'lesson' : 'home', language: 'es' },
  }));
  addRow(
    await selectedLoop(
      `analytics.trackEvent, ${EVENTS_PER_REQUEST} per request (${connections} clients)`,
      connections,
      seconds,
      async () => {
        const learner = learners[ingestCalls++ % learners.length]!;
        await trpcBatch(server.url, 'analytics.trackEvent', eventBatch, {
          authorization: learner.authorization,
        });
      },
      { server, callsPerRequest: EVENTS_PER_REQUEST },
    ),
  );
} finally {
  await server.stop();
}

/** Signs up `count` learners through the API, a few at a time (each is an argon2 hash), with progress. */
async function signUpLearners(count: number) {
  const stamp = Date.now();
  const started = performance.now();
  const learners: { authorization: string; userId: string }[] = [];
  const CONCURRENT = 8;
  for (let from = 0; from < count; from += CONCURRENT) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(CONCURRENT, count - from) }, async (_, offset) => {
        const index = from + offset;
        const signup = (await trpcCall(
          server.url,
          'mutation',
          'auth.signup',
          { name: `Runner ${index}`, email: `runner-${stamp}-${index}@bench.invalid`, password: PASSWORD },
          { 'x-forwarded-for': nextIp() },
        )) as { accessToken: string; user: { id: string } };
        return { authorization: `Bearer ${signup.accessToken}`, userId: signup.user.id };
      }),
    );
    learners.push(...batch);
    if (learners.length % 512 < CONCURRENT || learners.length === count) {
      const elapsed = (performance.now() - started) / 1000;
      log(`signed up ${learners.length} / ${count} learners (${Math.round(learners.length / elapsed)}/s)`);
    }
  }
  return learners;
}

/** The right answers to the exercises a learner is asked, read from the database the server uses. */
async function answersFor(authorization: string, lessonId: string) {
  const set = (await trpcCall(
    server.url,
    'query',
    'lessons.getExercises',
    { lessonId },
    { authorization },
  )) as {
    exercises: { id: string }[];
  };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: truth } = await client.query<{ id: string; correct_answer: string | string[] }>(
      'select id, correct_answer from exercises where lesson_id = $1',
      [lessonId],
    );
    const answerOf = new Map(truth.map((row) => [row.id, row.correct_answer]));
    return set.exercises.map((exercise) => ({ exerciseId: exercise.id, answer: answerOf.get(exercise.id)! }));
  } finally {
    await client.end();
  }
}

log(
  `\n${seconds} s per row, closed loops, ${availableParallelism()} cores, ${userCount.toLocaleString()} learners; ` +
    'server: PostgreSQL + Redis, response cache off',
);
printTable(rows, 'vs first');
