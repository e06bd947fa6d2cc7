import autocannon from 'autocannon';
import pg from 'pg';
import { withDatabase } from '../global-setup.js';
import { startHaproxy } from './haproxy.js';
import { finishRun, freePort, Member, runAdminStatement, waitFor } from './processes.js';
import { startRedis } from './redis.js';
import { followEachOther, type Learner, subscribe } from './subscribers.js';

/**
 * `npm run test:cluster`: several instances of the service behind haproxy, on one PostgreSQL database (a
 * new one on TEST_DATABASE_URL's server, dropped at the end) and a Redis of the test's own, under load
 * for CLUSTER_SECONDS (default 60) with CLUSTER_CONNECTIONS (default 300) connections of reads and
 * writes, while one instance is stopped with SIGTERM, one is killed with SIGKILL, and Redis restarts.
 *
 * It passes when every response was 2xx or 429, except writes that were in flight on the killed
 * instance; every write acknowledged with a 2xx is in the database; and every instance is ready again
 * at the end. Exits 1 otherwise, printing why.
 */
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const admin = (statement: string) => runAdminStatement(adminUrl, statement);
const seconds = Number(process.env.CLUSTER_SECONDS ?? 60);
const connections = Number(process.env.CLUSTER_CONNECTIONS ?? 300);
const API_INSTANCES = 3;
const USERS = 120;
/** Learners subscribed to their events over WebSocket throughout. */
const SUBSCRIBERS = 30;
const FOLLOW_INTERVAL_MS = 100;
/** After the load, how long events still in flight get to arrive. */
const DELIVERY_GRACE_MS = 5_000;
/** After SIGKILL, how long writes may still fail: they were in flight on the killed instance. */
const KILL_WINDOW_MS = 5_000;

const log = (line: string) =>
  process.stdout.write(`[cluster ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const failures: string[] = [];

const databaseName = `linguamate_cluster_${Date.now()}`;
await admin(`create database ${databaseName}`);
const databaseUrl = withDatabase(adminUrl, databaseName);
const redis = await startRedis();
const members: Member[] = [];

try {
  const baseEnv = {
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.CLUSTER_LOG_LEVEL ?? 'warn',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    DATABASE_POOL_MAX: '10',
    JWT_SECRET: 'cluster-test-secret-0123456789-abcdefghij',
    CORS_ORIGINS: 'https://cluster.invalid',
    TRUSTED_PROXIES: 'loopback',
    SHUTDOWN_TIMEOUT_MS: '8000',
  };
  const node = (name: string, port: number, env: Record<string, string>) =>
    new Member(name, port, process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      ...baseEnv,
      ...env,
      PORT: String(port),
    });

  const apis: Member[] = [];
  for (let index = 1; index <= API_INSTANCES; index++)
    apis.push(node(`api${index}`, await freePort(), { ROLES: 'api,realtime' }));
  const workerPort = await freePort();
  const worker = node('worker', workerPort, { ROLES: 'worker', WORKER_PORT: String(workerPort) });
  members.push(...apis, worker);
  // The first instance migrates and seeds; the others and the worker then start together.
  await startMember(apis[0]!);
  await Promise.all([...apis.slice(1).map(startMember), startWorkerMember(worker)]);
  const lb = await startHaproxy(apis.map(({ name, port }) => ({ name, port })));
  members.push(lb.member);
  await waitFor('haproxy to see every instance up', async () =>
    Object.values(await lb.states()).every((state) => state === 'UP'),
  );
  log(`${apis.length} api instances behind haproxy at ${lb.url}`);

  const learners = await signUp(lb.url, USERS);
  const tokens = learners.map((learner) => learner.token);
  log(`${learners.length} learners signed up`);

  // Learners listening for their events over WebSocket all along, and others following them meanwhile.
  const listeners = learners.slice(0, SUBSCRIBERS);
  const subscribers = subscribe(`${lb.url.replace('http', 'ws')}/api/trpc`, listeners);
  await subscribers.ready;
  const follows = followEachOther(lb.url, learners.slice(SUBSCRIBERS), listeners, FOLLOW_INTERVAL_MS);

  // Faults at fixed fractions of the run.
  const faults: { at: number; what: string }[] = [];
  const started = Date.now();
  let killedAt = Number.POSITIVE_INFINITY;
  const schedule = (fraction: number, what: string, fault: () => Promise<void>) =>
    new Promise<void>((resolve) =>
      setTimeout(
        async () => {
          faults.push({ at: Date.now() - started, what });
          log(what);
          try {
            await fault();
          } catch (error) {
            failures.push(`${what}: ${String(error)}`);
          }
          resolve();
        },
        seconds * 1000 * fraction,
      ),
    );
  const faultsDone = Promise.all([
    schedule(0.2, 'SIGTERM api1 (drains, then restarts)', async () => {
      const code = await apis[0]!.signal('SIGTERM');
      if (code !== 0) failures.push(`api1 exited with ${code} after SIGTERM, not 0`);
      await startMember(apis[0]!);
    }),
    schedule(0.45, 'SIGKILL api2 (restarts after 2 s)', async () => {
      killedAt = Date.now();
      await apis[1]!.signal('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await startMember(apis[1]!);
    }),
    schedule(0.7, 'Redis restarts', () => redis.restart()),
  ]);

  const result = await load(lb.url, tokens, () => killedAt);
  await faultsDone;
  follows.stop();

  // Everyone back: each instance ready, and haproxy sending to all of them.
  await waitFor(
    'every instance to be ready again',
    async () => (await Promise.all(apis.map((api) => isReady(api.url)))).every(Boolean),
    30_000,
  ).catch((error: unknown) => failures.push(String(error)));
  await waitFor(
    'the worker to be ready again',
    async () => (await fetch(`${worker.url}/ready`)).status === 200,
    30_000,
  ).catch((error: unknown) => failures.push(String(error)));
  await waitFor('haproxy to see every instance up again', async () =>
    Object.values(await lb.states()).every((state) => state === 'UP'),
  ).catch((error: unknown) => failures.push(String(error)));

  // Every event raised for a listener reached it exactly once (the outbox is the record of what was raised).
  await new Promise((resolve) => setTimeout(resolve, DELIVERY_GRACE_MS));
  subscribers.close();
  const raised = await raisedEvents(listeners.map((listener) => listener.userId));
  let missed = 0;
  const missedIds: string[] = [];
  let repeated = 0;
  let delivered = 0;
  for (const listener of listeners) {
    const got = subscribers.received.get(listener.userId)!;
    const expected = raised.get(listener.userId) ?? [];
    delivered += got.length;
    repeated += got.length - new Set(got).size;
    const lost = expected.filter((id) => !got.includes(id));
    missed += lost.length;
    if (lost.length > 0) missedIds.push(...lost);
  }
  const raisedCount = [...raised.values()].reduce((sum, ids) => sum + ids.length, 0);
  if (raisedCount === 0) failures.push('no event was raised for the listeners: the check proves nothing');
  if (missed > 0)
    failures.push(
      `${missed} of ${raisedCount} events never reached their listener: ${JSON.stringify(await describeEvents(missedIds, started))}`,
    );
  if (repeated > 0) failures.push(`${repeated} events reached their listener more than once`);

  // No acknowledged write lost.
  const stored = await storedWords(result.acknowledged);
  const lost = result.acknowledged.filter((word) => !stored.has(word));
  if (lost.length > 0)
    failures.push(`${lost.length} acknowledged writes are missing, e.g. ${lost.slice(0, 3).join(', ')}`);
  for (const [key, count] of Object.entries(result.unexpected))
    failures.push(`${count} responses ${key} outside what a fault allows`);

  // biome-ignore lint/suspicious/noConsole: the run's report is its tables
  console.table({
    requests: result.total,
    'req/s': Math.round(result.total / seconds),
    'reads 2xx': result.byKind.read2xx,
    'writes 2xx': result.byKind.write2xx,
    '429': result.byKind.limited,
    'writes failed while api2 was killed': result.byKind.killedWrites,
    'unexpected answers': Object.values(result.unexpected).reduce((sum, count) => sum + count, 0),
    'acknowledged writes': result.acknowledged.length,
    'acknowledged writes lost': lost.length,
    'follows acknowledged (events raised)': `${follows.acknowledged()} (${raisedCount})`,
    'events delivered over WebSocket': delivered,
    'events missed / repeated': `${missed} / ${repeated}`,
    'subscriptions ended by an error': subscribers.errors(),
  });
  // biome-ignore lint/suspicious/noConsole: the run's report is its tables
  console.table(faults.map(({ at, what }) => ({ 'at s': (at / 1000).toFixed(1), fault: what })));
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  await Promise.all(members.map((member) => member.signal('SIGKILL')));
  await redis.remove();
  await admin(`drop database if exists ${databaseName} with (force)`).catch(() => undefined);
}

finishRun(log, members, failures);

async function startMember(member: Member): Promise<void> {
  member.start();
  await waitFor(`${member.name} to be ready`, () => isReady(member.url));
}

async function startWorkerMember(member: Member): Promise<void> {
  member.start();
  await waitFor(
    `${member.name} to be ready`,
    async () => (await fetch(`${member.url}/ready`)).status === 200,
  );
}

async function isReady(url: string): Promise<boolean> {
  return (await fetch(`${url}/api/health/ready`).catch(() => null))?.status === 200;
}

/** Every event raised for these users but chat messages, by user: what the outbox holds. */
async function raisedEvents(userIds: string[]): Promise<Map<string, string[]>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; user_id: string }>(
      "select id::text, user_id from user_events where user_id = any($1) and type <> 'chat_message' order by id",
      [userIds],
    );
    const raised = new Map<string, string[]>();
    for (const row of rows) raised.set(row.user_id, [...(raised.get(row.user_id) ?? []), row.id]);
    return raised;
  } finally {
    await client.end();
  }
}

/** When these events were raised and published, in ms since the load began: to tell which fault lost them. */
async function describeEvents(ids: string[], since: number) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; created: number; published: number | null }>(
      'select id::text, extract(epoch from created_at) * 1000 as created, extract(epoch from published_at) * 1000 as published from user_events where id = any($1::bigint[])',
      [ids],
    );
    return rows.map((row) => ({
      id: row.id,
      raisedAtMs: Math.round(row.created - since),
      publishedAtMs: row.published === null ? null : Math.round(row.published - since),
    }));
  } finally {
    await client.end();
  }
}

async function storedWords(words: string[]): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ word: string }>(
      'select word from vocabulary where word = any($1)',
      [words],
    );
    return new Set(rows.map((row) => row.word));
  } finally {
    await client.end();
  }
}

/** Signs learners up through the load balancer, a few at a time, each from an address of its own. */
async function signUp(url: string, count: number): Promise<Learner[]> {
  const learners: Learner[] = [];
  for (let from = 0; from < count; from += 8) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(8, count - from) }, async (_, offset) => {
        const index = from + offset;
        const response = await fetch(`${url}/api/trpc/auth.signup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.18.7.${index % 250}` },
          body: JSON.stringify({
            json: {
              name: `Cluster ${index}`,
              email: `cluster-${index}@cluster.invalid`,
              password: 'Cluster-Password-2026',
            },
          }),
        });
        if (!response.ok) throw new Error(`signup answered ${response.status}: ${await response.text()}`);
        const body = (await response.json()) as {
          result: { data: { json: { accessToken: string; user: { id: string } } } };
        };
        return { token: body.result.data.json.accessToken, userId: body.result.data.json.user.id };
      }),
    );
    learners.push(...batch);
  }
  return learners;
}

function storedWord(body: string): string {
  return (JSON.parse(body) as { result: { data: { json: { entry: { word: string } } } } }).result.data.json
    .entry.word;
}

function query(path: string, input: unknown): string {
  return `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
}

/**
 * Reads and writes through the load balancer for the run: each connection is a learner. A third of the
 * connections add words of names of their own to their vocabulary (the writes whose acknowledgement is
 * checked against the database afterwards), the others read the lesson list and the leaderboard. Reads
 * and writes are separate autocannon runs, side by side: after a connection reset autocannon can pair
 * an answer with the wrong one of a connection's requests, so each run has one kind of request only.
 */
async function load(url: string, tokens: string[], killedAt: () => number) {
  const acknowledged: string[] = [];
  const unexpected: Record<string, number> = {};
  const byKind = { read2xx: 0, write2xx: 0, limited: 0, killedWrites: 0 };
  const tally = (kind: 'read' | 'write', status: number) => {
    if (status >= 200 && status < 300) byKind[kind === 'write' ? 'write2xx' : 'read2xx']++;
    else if (status === 429) byKind.limited++;
    else if (kind === 'write' && status >= 502 && status <= 504 && Date.now() - killedAt() < KILL_WINDOW_MS)
      byKind.killedWrites++;
    else {
      unexpected[`${kind} ${status}`] = (unexpected[`${kind} ${status}`] ?? 0) + 1;
      const second = Math.floor((Date.now() - loadStarted) / 1000);
      unexpectedBySecond[second] = (unexpectedBySecond[second] ?? 0) + 1;
    }
  };
  const loadStarted = Date.now();
  const unexpectedBySecond: Record<number, number> = {};
  let clients = 0;
  const common = {
    url,
    duration: seconds,
    timeout: 20,
    setupClient: (client: autocannon.Client) => {
      client.setHeaders({
        authorization: `Bearer ${tokens[clients++ % tokens.length]}`,
        'content-type': 'application/json',
      });
    },
  };
  let words = 0;
  const writeConnections = Math.max(1, Math.round(connections / 3));
  const [reads, writes] = await Promise.all([
    autocannon({
      ...common,
      connections: connections - writeConnections,
      requests: [
        {
          method: 'GET',
          path: query('lessons.getAll', { language: 'es' }),
          onResponse: (status) => tally('read', status),
        },
        {
          method: 'GET',
          path: query('leaderboard.get', { filter: 'weekly', sortBy: 'xp', limit: 20 }),
          onResponse: (status) => tally('read', status),
        },
      ],
    }),
    autocannon({
      ...common,
      connections: writeConnections,
      requests: [
        {
          method: 'POST',
          path: '/api/trpc/vocabulary.add',
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({
              json: { word: `cluster-${process.pid}-${words++}`, translation: 'prueba', language: 'es' },
            }),
          }),
          onResponse: (status, body) => {
            tally('write', status);
            // What was acknowledged is what the server answered it stored.
            if (status >= 200 && status < 300) acknowledged.push(storedWord(body));
          },
        },
      ],
    }),
  ]);
  // Requests that got no answer at all (a socket error or a timeout) are failures too.
  const silent = reads.errors + writes.errors;
  if (silent > 0) unexpected['without an answer (socket error or timeout)'] = silent;
  if (Object.keys(unexpectedBySecond).length > 0)
    log(`unexpected answers by second of the run: ${JSON.stringify(unexpectedBySecond)}`);
  return { total: reads.requests.total + writes.requests.total, acknowledged, unexpected, byKind };
}
