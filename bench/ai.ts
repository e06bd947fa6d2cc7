import pg from 'pg';
import { closedLoop, type Measurement, printTable, productionEnv, startProcess, trpcCall } from './lib.js';

/**
 * `npm run bench:ai`: the AI tutor's chat against the fake provider (bench/fake-provider.ts, in a process
 * of its own) answering after BENCH_PROVIDER_LATENCY_MS (default 200 ms), on real PostgreSQL and Redis
 * (DATABASE_URL and REDIS_URL). Prints:
 * - the provider alone at BENCH_CONNECTIONS (default 100) clients, the latency the service cannot beat;
 * - chat.sendMessage through the service at the same concurrency (premium learners, so no quota stops
 *   them), with the server's CPU per request;
 * - the overhead the service adds: its P50/P95 minus the provider's;
 * - how long a call takes to fail while the provider's circuit is open;
 * - the floor any signed-in call pays here (a one-row tRPC query), to read the overhead against.
 */
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (!databaseUrl || !redisUrl) {
  process.stderr.write('bench:ai needs DATABASE_URL and REDIS_URL\n');
  process.exit(2);
}
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 100);
const latencyMs = Number(process.env.BENCH_PROVIDER_LATENCY_MS ?? 200);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
/** Learners per client, taking turns, so a per-user rate limit does not bound what is measured. */
const LEARNERS_PER_CLIENT = 8;
/** At least this many learners, however few clients (the 10-client row runs whatever BENCH_CONNECTIONS is). */
const MIN_LEARNERS = 80;
const PASSWORD = 'Bench-Password-2026';
const BREAKER_FAILURES = 5;

const log = (line: string) => process.stdout.write(`${line}\n`);

const provider = await startProcess(
  'bench/fake-provider.ts',
  { FAKE_LATENCY_MS: String(latencyMs) },
  '/health',
);
const server = await startProcess(
  'src/main.ts',
  {
    ...productionEnv(databaseUrl, redisUrl),
    DATABASE_POOL_MAX: String(Math.min(50, Math.max(10, connections / 2))),
    AI_BASE_URL: `${provider.url}/v1`,
    AI_API_KEY: 'sk-bench-not-a-real-key',
    AI_BREAKER_FAILURES: String(BREAKER_FAILURES),
    AI_BREAKER_HALF_OPEN_MS: '600000',
    AI_BACKOFF_INITIAL_MS: '10',
    AI_MAX_CONCURRENCY: String(Math.max(100, connections * 2)),
  },
  '/api/health/ready',
);

let ipCount = 0;
/** Each signup claims another benchmarking-range address, as real traffic comes from many. */
const nextIp = () => {
  ipCount++;
  return `198.18.${(ipCount >> 8) & 255}.${ipCount & 255}`;
};

/** Signs up `count` learners through the API (a few at a time: each is an argon2 hash), made premium in SQL. */
async function premiumLearners(count: number) {
  const stamp = Date.now();
  const learners: { authorization: string; userId: string }[] = [];
  for (let from = 0; from < count; from += 8) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(8, count - from) }, async (_, offset) => {
        const signup = (await trpcCall(
          server.url,
          'mutation',
          'auth.signup',
          {
            name: `Chatter ${from + offset}`,
            email: `chatter-${stamp}-${from + offset}@bench.invalid`,
            password: PASSWORD,
          },
          { 'x-forwarded-for': nextIp() },
        )) as { accessToken: string; user: { id: string } };
        return { authorization: `Bearer ${signup.accessToken}`, userId: signup.user.id };
      }),
    );
    learners.push(...batch);
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `insert into entitlements (user_id, entitlement, source) select unnest($1::uuid[]), 'premium', 'admin'`,
      [learners.map((learner) => learner.userId)],
    );
  } finally {
    await client.end();
  }
  log(`signed up ${count} premium learners`);
  return learners;
}

const control = (behaviour: object) =>
  fetch(`${provider.url}/control`, { method: 'POST', body: JSON.stringify(behaviour) });

const rows: Measurement[] = [];
/** With BENCH_PROFILE=<directory>, each measured row of the server also writes a CPU profile. */
async function profiled(...args: Parameters<typeof closedLoop>): Promise<Measurement> {
  const stopProfile = await server.profile(args[0]);
  const row = await closedLoop(...args);
  await stopProfile();
  return row;
}
try {
  const learners = await premiumLearners(Math.max(MIN_LEARNERS, connections * LEARNERS_PER_CLIENT));
  // Every call goes to the next learner, so that no learner's `ai` budget (60 a minute) runs dry.
  let calls = 0;
  const learnerOf = (_worker: number) => learners[calls++ % learners.length]!;
  const sendMessage = async (worker: number): Promise<void> => {
    await trpcCall(
      server.url,
      'mutation',
      'chat.sendMessage',
      { message: 'Ayer fui al mercado con mi hermana.', language: 'es' },
      { authorization: learnerOf(worker).authorization },
    );
  };

  const askProvider = async () => {
    const response = await fetch(`${provider.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'hola' }] }),
    });
    if (!response.ok) throw new Error(`provider answered ${response.status}`);
    await response.arrayBuffer();
  };
  // Warm the server's code paths (the JIT) and connections before measuring: a first few hundred calls
  // run slower code than a server in service does.
  await closedLoop('warm-up', connections, warmupSeconds, sendMessage);

  // The floor of any signed-in call: one tRPC query reading one row, through auth and rate limiting.
  const floor = await closedLoop(
    'user.canSendMessage, the floor of a signed-in call (1 client)',
    1,
    seconds,
    (worker) =>
      trpcCall(server.url, 'query', 'user.canSendMessage', undefined, {
        authorization: learnerOf(worker).authorization,
      }).then(() => undefined),
  );

  // Side by side at each concurrency: the provider alone (what the service cannot beat), then through it.
  const overheads: string[] = [];
  for (const clients of [...new Set([1, 10, connections])]) {
    const alone = await closedLoop(
      `provider alone, ${latencyMs} ms (${clients} clients)`,
      clients,
      seconds,
      askProvider,
    );
    const chat = await profiled(`chat.sendMessage (${clients} clients)`, clients, seconds, sendMessage, {
      server,
    });
    rows.push(alone, chat);
    const over = (pick: 'p50' | 'p95' | 'p99') => (chat[pick] - alone[pick]).toFixed(1);
    overheads.push(`${clients} clients: P50 ${over('p50')} ms, P95 ${over('p95')} ms, P99 ${over('p99')} ms`);
  }

  // The provider fails: a few calls open the circuit (each makes 1 + 3 attempts), then every call fails fast.
  await control({ kind: 'status', status: 500 });
  for (let call = 0; call < BREAKER_FAILURES; call++) await sendMessage(0).catch(() => undefined);
  const health = (await (await fetch(`${server.url}/api/health`)).json()) as {
    providers: { llm: { circuit: string } };
  };
  log(`provider failing: circuit ${health.providers.llm.circuit}`);
  const failFast = async (worker: number) => {
    try {
      await sendMessage(worker);
    } catch (error) {
      // The expected answer while the circuit is open; anything else is an error of the benchmark.
      if (!String(error).includes('SERVICE_UNAVAILABLE')) throw error;
    }
  };
  rows.push(
    await profiled('breaker open: chat.sendMessage answered (1 client)', 1, seconds, failFast, { server }),
  );
  rows.push(
    await profiled(
      `breaker open: chat.sendMessage answered (${connections} clients)`,
      connections,
      seconds,
      failFast,
      {
        server,
      },
    ),
  );

  rows.push(floor);
  printTable(rows, 'vs first row');
  log('');
  log('overhead of the service over the provider alone:');
  for (const line of overheads) log(`  ${line}`);
} finally {
  await server.stop();
  await provider.stop();
}
