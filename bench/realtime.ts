import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import WebSocket from 'ws';
import type { AppRouter } from '../src/trpc/router.js';
import { productionEnv, type Started, startProcess, trpcCall } from './lib.js';

/**
 * `npm run bench:realtime`: two instances on real PostgreSQL and Redis (DATABASE_URL, REDIS_URL): A takes
 * the writes (ROLES=api), B holds the sockets (ROLES=realtime). Prints:
 * - B's resident memory per idle WebSocket, from BENCH_SOCKETS (default 10,000) sockets held open;
 * - the time from an XP write (`lessons.submit`) sent to A to the event it raises arriving on a socket held by B
 *   (`notifications.onEvent`), P50/P99 over BENCH_SAMPLES writes (default 200);
 * - messages per second fanned out: one leaderboard change delivered to every socket subscribed to
 *   `leaderboard.onChange`, from the write to the last socket's copy.
 */
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (!databaseUrl || !redisUrl) {
  process.stderr.write('bench:realtime needs DATABASE_URL and REDIS_URL\n');
  process.exit(2);
}
const socketCount = Number(process.env.BENCH_SOCKETS ?? 10_000);
const samples = Number(process.env.BENCH_SAMPLES ?? 200);
const FANOUT_ROUNDS = 3;
const PASSWORD = 'Bench-Password-2026';

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const env = {
  ...productionEnv(databaseUrl, redisUrl),
  DATABASE_POOL_MAX: '20',
  WS_MAX_CONNECTIONS: String(socketCount + 1_000),
  HTTP_MAX_CONNECTIONS: String(socketCount + 2_000),
  LOG_LEVEL: 'warn',
};
const a = await startProcess('src/main.ts', { ...env, ROLES: 'api' }, '/api/health/ready');
const b = await startProcess('src/main.ts', { ...env, ROLES: 'realtime' }, '/api/health/ready');
const wsUrl = `${b.url.replace('http', 'ws')}/api/trpc`;

let ipCount = 0;
/** Each client claims another benchmarking-range address, as real clients come from many. */
const nextIp = () => {
  ipCount++;
  return `198.18.${(ipCount >> 8) & 255}.${ipCount & 255}`;
};

const rows: Record<string, string | number>[] = [];
const sockets: WebSocket[] = [];
try {
  // 1. Idle sockets: B's memory before and after.
  await sleep(2_000);
  const before = await settledMemory(b);
  for (let from = 0; from < socketCount; from += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, socketCount - from) }, () =>
        openSocket().then((s) => sockets.push(s)),
      ),
    );
  }
  const after = await settledMemory(b);
  const perSocket = (after - before) / socketCount;
  rows.push({
    measure: `memory per idle WebSocket (${socketCount} held on B)`,
    value: `${(perSocket / 1024).toFixed(1)} KB`,
  });
  log(`${socketCount} idle sockets on B: RSS ${mb(before)} -> ${mb(after)}`);

  // 2. Cross-instance: an XP write on A, the event on B.
  const lessons = (await trpcCall(a.url, 'query', 'lessons.getAll', { language: 'es' })) as {
    id: string;
    subModules: { id: string }[];
  }[];
  /** The nth practice of the catalogue: a lesson and one of its sub-modules. */
  const practice = (n: number) => {
    const lesson = lessons[n % lessons.length]!;
    return { lessonId: lesson.id, subModuleId: lesson.subModules[0]!.id };
  };
  const learners = await signUp(samples);
  const latencies: number[] = [];
  const writeLatencies: number[] = [];
  for (const learner of learners) {
    const wsClient = createWSClient({
      url: wsUrl,
      connectionParams: () => ({ token: learner.token }),
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    const client = createTRPCClient<AppRouter>({
      links: [wsLink({ client: wsClient, transformer: superjson })],
    });
    let sentAt = 0;
    const received = new Promise<number>((resolve, reject) => {
      const subscription = client.notifications.onEvent.subscribe(
        {},
        {
          onData: () => {
            resolve(performance.now() - sentAt);
            subscription.unsubscribe();
          },
          onError: reject,
        },
      );
    });
    await sleep(50); // the subscription is registered on B
    sentAt = performance.now();
    await trpcCall(a.url, 'mutation', 'lessons.submit', submission(practice(0).lessonId), {
      authorization: `Bearer ${learner.token}`,
    });
    writeLatencies.push(performance.now() - sentAt);
    latencies.push(await withTimeout(received, 10_000));
    wsClient.close();
  }
  rows.push(
    { measure: 'XP write on A answered, P50', value: `${percentile(writeLatencies, 50).toFixed(1)} ms` },
    { measure: 'XP write on A -> event on B, P50', value: `${percentile(latencies, 50).toFixed(1)} ms` },
    { measure: 'XP write on A -> event on B, P99', value: `${percentile(latencies, 99).toFixed(1)} ms` },
  );

  // 3. Fan-out: every idle socket subscribes to the all-time XP board, then a write changes its top.
  const board = { filter: 'all', sortBy: 'xp', limit: 10 };
  const arrivals: number[] = [];
  let subscribed = 0;
  const allSubscribed = new Promise<void>((resolve) => {
    for (const socket of sockets) {
      let first = true;
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { id?: number; result?: { type?: string } };
        if (message.result?.type !== 'data') return;
        if (first) {
          first = false;
          if (++subscribed === sockets.length) resolve();
        } else arrivals.push(performance.now());
      });
      socket.send(
        JSON.stringify({
          id: 1,
          method: 'subscription',
          params: { path: 'leaderboard.onChange', input: { json: board } },
        }),
      );
    }
  });
  await withTimeout(allSubscribed, 120_000);
  log(`${subscribed} sockets subscribed to leaderboard.onChange`);
  for (let round = 0; round < FANOUT_ROUNDS; round++) {
    await sleep(1_500); // a board change is announced at most once a second
    arrivals.length = 0;
    const climber = learners[round]!;
    const sentAt = performance.now();
    // A big enough score to enter the top 10: a lesson's worth of XP, many times.
    for (let lesson = 0; lesson < 5; lesson++) {
      await trpcCall(a.url, 'mutation', 'lessons.submit', submission(practice(0).lessonId), {
        authorization: `Bearer ${climber.token}`,
      });
    }
    await waitUntil(() => arrivals.length >= sockets.length, 30_000).catch((error: unknown) => {
      throw new Error(`${arrivals.length} of ${sockets.length} sockets told of the change: ${String(error)}`);
    });
    const last = Math.max(...arrivals);
    const first = Math.min(...arrivals);
    rows.push({
      measure: `fan-out round ${round + 1}: ${arrivals.length} messages`,
      value: `${Math.round(arrivals.length / ((last - first) / 1000 || 0.001))} msg/s (first ${(first - sentAt).toFixed(0)} ms, last ${(last - sentAt).toFixed(0)} ms after the writes began)`,
    });
  }

  // biome-ignore lint/suspicious/noConsole: a benchmark's output is its table
  console.table(rows);
  log(`A: ${a.url} (ROLES=api), B: ${b.url} (ROLES=realtime), Node ${process.version}`);
} finally {
  for (const socket of sockets) socket.terminate();
  await Promise.all([a.stop(), b.stop()]);
}

function openSocket(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, { headers: { 'x-forwarded-for': nextIp() } });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** B's resident memory once it has stopped moving (three readings 500 ms apart within 2 %). */
async function settledMemory(server: Started): Promise<number> {
  let previous = server.memoryBytes() ?? 0;
  for (let tries = 0; tries < 20; tries++) {
    await sleep(500);
    const now = server.memoryBytes() ?? 0;
    if (Math.abs(now - previous) / previous < 0.02) return now;
    previous = now;
  }
  return previous;
}

async function signUp(count: number): Promise<{ token: string }[]> {
  const stamp = Date.now();
  const learners: { token: string }[] = [];
  for (let from = 0; from < count; from += 8) {
    learners.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(8, count - from) }, async (_, offset) => {
          const signup = (await trpcCall(
            a.url,
            'mutation',
            'auth.signup',
            {
              name: `Realtime ${from + offset}`,
              email: `rt-${stamp}-${from + offset}@bench.invalid`,
              password: PASSWORD,
            },
            { 'x-forwarded-for': nextIp() },
          )) as { accessToken: string };
          return { token: signup.accessToken };
        }),
      )),
    );
  }
  return learners;
}

/** A lesson submitted in the contract's legacy shape (answers the client scored): XP, capped. */
function submission(lessonId: string) {
  return {
    lessonId,
    answers: Array.from({ length: 5 }, (_, index) => ({ id: `answer-${index}`, correct: true })),
    timeSpent: 120,
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)),
  ]);
}

async function waitUntil(condition: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`not reached within ${ms} ms`);
    await sleep(10);
  }
}
