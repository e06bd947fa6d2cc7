import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { finishRun, freePort, Member, runAdminStatement, waitFor } from '../cluster/processes.js';
import { startRedis } from '../cluster/redis.js';
import { withDatabase } from '../global-setup.js';
import { startFaultProxy } from './fault-proxy.js';
import { BACKEND, type BlueGreenHaproxy, startBlueGreenHaproxy } from './haproxy-runtime.js';

/**
 * `npm run drill:bluegreen`: a blue-green release switch through haproxy's runtime API under load, then
 * two bad releases rolled back by the drill's controller.
 *
 * 1. blue serves alone; green (the same build, another RELEASE) starts beside it, must be ready and pass
 *    a smoke probe (`/api/health/ready` 200 and `/api` naming its release), then takes the traffic while
 *    blue keeps a weight of 1 for an observation window; green's 5xx ratio stays low, so blue is drained
 *    (`state drain` until its sessions are 0) and stopped with SIGTERM.
 * 2. A release in the blue slot whose database is unreachable never gets ready: it is never enabled.
 * 3. A release in the blue slot that passes the smoke probe but answers 500 to a third of its calls (our
 *    fault proxy stands in for it): the controller sees its 5xx ratio in `show stat` and moves the traffic
 *    back to green within the observation window; haproxy replays the failed calls on green meanwhile.
 *
 * Reads and idempotent writes (`lessons.submit` with an `idempotencyKey`) run through haproxy all along.
 * It passes when no client saw a non-2xx answer or a socket error, the good release was committed and both
 * bad ones rolled back. Exits 1 otherwise, printing each member's last log lines.
 */
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const admin = (statement: string) => runAdminStatement(adminUrl, statement);
const USERS = 24;
const READ_CONNECTIONS = 16;
const WRITE_CONNECTIONS = 8;
/** Per connection (one learner each): well under the default policy's 600 calls a minute. */
const READ_RATE = 6;
const WRITE_RATE = 3;
/** After the switch, how long the old release keeps weight 1 while the new one's errors are watched. */
const OBSERVE_MS = Number(process.env.BLUEGREEN_OBSERVE_MS ?? 6_000);
/** The new release's 5xx share of its answers (after at least MIN_ANSWERS) that rolls it back. */
const MAX_ERROR_RATIO = 0.05;
const MIN_ANSWERS = 20;
const READY_TIMEOUT_MS = 30_000;
const BAD_READY_TIMEOUT_MS = 12_000;

const id = Date.now().toString(36);
const log = (line: string) =>
  process.stdout.write(`[bluegreen ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const failures: string[] = [];
const members: Member[] = [];
const closers: (() => Promise<void>)[] = [];

interface PhaseRow {
  phase: string;
  outcome: string;
  requests: number;
  'non-2xx': number;
  'socket errors': number;
  'ready s': string;
  'switch s': string;
  'drain s': string;
  'rollback s': string;
  'new release 5xx (seen by haproxy)': string;
}
const rows: PhaseRow[] = [];
let load: ReturnType<typeof startLoad>;

const databaseName = `linguamate_bluegreen_${id}`;
await admin(`create database ${databaseName}`);
const databaseUrl = withDatabase(adminUrl, databaseName);
const redis = await startRedis();
members.push(redis.member);

try {
  const baseEnv = {
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.BLUEGREEN_LOG_LEVEL ?? 'warn',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    DATABASE_POOL_MAX: '10',
    JWT_SECRET: 'bluegreen-drill-secret-0123456789-abcdefghij',
    CORS_ORIGINS: 'https://bluegreen.invalid',
    TRUSTED_PROXIES: 'loopback',
    SHUTDOWN_TIMEOUT_MS: '8000',
    ROLES: 'api,realtime',
  };
  const release = async (name: string, env: Record<string, string> = {}) => {
    const port = await freePort();
    const member = new Member(name, port, process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      ...baseEnv,
      RELEASE: name,
      ...env,
      PORT: String(port),
    });
    members.push(member);
    return member;
  };

  const blue = await release(`blue-${id}`);
  blue.start();
  await waitFor('blue to be ready', () => isReady(blue.url), READY_TIMEOUT_MS);
  const lb = await startBlueGreenHaproxy(blue.port);
  members.push(lb.member);
  await waitFor('haproxy to see blue up', async () => (await lb.stats()).blue?.status === 'UP');
  const tokens = await signUp(blue.url, USERS);
  const lessonId = await firstLesson(blue.url);
  log(`blue (${blue.name}) behind haproxy at ${lb.url}; ${tokens.length} learners signed up`);

  load = startLoad(lb.url, tokens, lessonId);
  const steady = async (phase: string, ms: number) => {
    load.phase(phase);
    await sleep(ms);
    const counts = load.counts(phase);
    rows.push({ phase, outcome: 'steady', ...counts, ...blankTimes() });
  };
  await steady(`blue serves (${blue.name})`, 3_000);

  // 1. A good release: switched to, observed, committed; blue drained and stopped.
  const green = await release(`green-${id}`);
  const first = await deploy(lb, {
    live: 'blue',
    liveMember: blue,
    slot: 'green',
    candidate: green,
    phase: 'switch to green',
  });
  if (first !== 'committed') failures.push(`the good release was ${first}, not committed`);
  await steady(`green serves (${green.name})`, 2_000);

  // 2. A bad release that never gets ready: its database is unreachable.
  const broken = await release(`blue-broken-${id}`, {
    DATABASE_URL: withDatabase('postgres://postgres@127.0.0.1:1/postgres', databaseName),
  });
  const second = await deploy(lb, {
    live: 'green',
    liveMember: green,
    slot: 'blue',
    candidate: broken,
    phase: 'bad release: never ready',
    readyTimeoutMs: BAD_READY_TIMEOUT_MS,
  });
  if (second !== 'refused at the smoke probe') failures.push(`the never-ready release was ${second}`);

  // 3. A bad release that passes the smoke probe, then fails a third of its calls.
  const faulty = await release(`blue-faulty-${id}`);
  const third = await deploy(lb, {
    live: 'green',
    liveMember: green,
    slot: 'blue',
    candidate: faulty,
    phase: 'bad release: 5xx after switch',
    faultEvery: 3,
  });
  if (third !== 'rolled back') failures.push(`the failing release was ${third}, not rolled back`);
  await steady(`green serves again (${green.name})`, 2_000);

  const totals = await load.stop();
  for (const row of rows) {
    if (row['non-2xx'] > 0) failures.push(`${row['non-2xx']} non-2xx answers during "${row.phase}"`);
    if (row['socket errors'] > 0)
      failures.push(`${row['socket errors']} socket errors during "${row.phase}"`);
  }
  if (totals.errors > 0) failures.push(`autocannon counted ${totals.errors} errors or timeouts`);
  if (totals.limited > 0) log(`note: ${totals.limited} answers were 429 (rate limited)`);
  if (totals.writes2xx === 0) failures.push('no write succeeded: the drill proves nothing about writes');
  // biome-ignore lint/suspicious/noConsole: the drill's report is its table
  console.table(rows);
  log(`${totals.requests} requests, ${totals.writes2xx} lessons submitted, ${totals.limited} rate limited`);
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  for (const close of closers) await close().catch(() => undefined);
  await Promise.all(members.map((member) => member.signal('SIGKILL')));
  await redis.remove();
  await admin(`drop database if exists ${databaseName} with (force)`).catch(() => undefined);
}

finishRun(log, members, failures);

/**
 * The controller: starts `candidate`, smoke-probes it, points haproxy's `slot` at it and gives it the
 * traffic while `live` keeps weight 1; watches its 5xx ratio for OBSERVE_MS, then either commits (drains
 * and stops `live`) or rolls back (the slot to maintenance, the candidate stopped). Records a row.
 */
async function deploy(
  lb: BlueGreenHaproxy,
  options: {
    live: string;
    liveMember: Member;
    slot: string;
    candidate: Member;
    phase: string;
    readyTimeoutMs?: number;
    faultEvery?: number;
  },
): Promise<'committed' | 'rolled back' | 'refused at the smoke probe'> {
  const { live, slot, candidate, phase } = options;
  load.phase(phase);
  const times = blankTimes();
  const row = (outcome: string, fivexx = '') => {
    rows.push({
      phase,
      outcome,
      ...load.counts(phase),
      ...times,
      'new release 5xx (seen by haproxy)': fivexx,
    });
    log(`${phase}: ${outcome}`);
  };
  const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

  let started = Date.now();
  candidate.start();
  const smoke = await waitFor(
    `${candidate.name} to be ready`,
    async () => {
      if (!candidate.running) throw new Error('exited');
      return isReady(candidate.url);
    },
    options.readyTimeoutMs ?? READY_TIMEOUT_MS,
  )
    .then(() => smokeProbe(candidate.url, candidate.name))
    .catch((error: unknown) => String(error));
  times['ready s'] = seconds(started);
  if (smoke !== null) {
    await candidate.signal('SIGTERM');
    row('refused at the smoke probe');
    log(`  smoke probe: ${smoke}`);
    return 'refused at the smoke probe';
  }

  let target = candidate.port;
  let injected = () => 0;
  if (options.faultEvery) {
    const proxy = await startFaultProxy(candidate.port, options.faultEvery);
    closers.push(proxy.close);
    injected = proxy.injected;
    target = proxy.port;
  }
  started = Date.now();
  await lb.command(`set server ${BACKEND}/${slot} addr 127.0.0.1 port ${target}`);
  // Weight 0 until haproxy's checks see it up, so that every answer it gives is watched.
  await lb.command(`set weight ${BACKEND}/${slot} 0`);
  await lb.command(`set server ${BACKEND}/${slot} state ready`);
  await waitFor(`haproxy to see ${slot} up`, async () => (await lb.stats())[slot]?.status === 'UP', 10_000);
  const before = (await lb.stats())[slot]!;
  await lb.command(`set weight ${BACKEND}/${slot} 100`);
  await lb.command(`set weight ${BACKEND}/${live} 1`);
  times['switch s'] = seconds(started);

  // Observation: the new release's share of 5xx among its answers since the switch.
  const observed = Date.now();
  let ratio = 0;
  let fivexx = 0;
  let answers = 0;
  while (Date.now() - observed < OBSERVE_MS) {
    await sleep(250);
    const now = (await lb.stats())[slot]!;
    // A 5xx haproxy replayed on the other slot is counted as a retry of this one, not as its answer.
    fivexx = now.hrsp5xx + now.retried - before.hrsp5xx - before.retried;
    answers = now.responses + now.retried - before.responses - before.retried;
    ratio = answers > 0 ? fivexx / answers : 0;
    if (answers >= MIN_ANSWERS && ratio > MAX_ERROR_RATIO) break;
  }
  const seen = `${fivexx} of ${answers}${options.faultEvery ? ` (${injected()} injected)` : ''}`;
  if (answers >= MIN_ANSWERS && ratio > MAX_ERROR_RATIO) {
    started = Date.now();
    await lb.command(`set weight ${BACKEND}/${live} 100`);
    await lb.command(`set server ${BACKEND}/${slot} state maint`);
    await waitFor(`${slot} to have no sessions`, async () => noSessions((await lb.stats())[slot]!), 10_000);
    times['rollback s'] = seconds(started);
    await candidate.signal('SIGTERM');
    row(`rolled back after ${((started - observed) / 1000).toFixed(1)} s`, seen);
    return 'rolled back';
  }
  if (answers < MIN_ANSWERS) failures.push(`${phase}: the new release answered only ${answers} requests`);

  started = Date.now();
  await lb.command(`set server ${BACKEND}/${live} state drain`);
  await waitFor(`${live} to drain`, async () => noSessions((await lb.stats())[live]!), 20_000);
  times['drain s'] = seconds(started);
  await lb.command(`set server ${BACKEND}/${live} state maint`);
  const code = await options.liveMember.signal('SIGTERM');
  if (code !== 0) failures.push(`${options.liveMember.name} exited with ${code} after SIGTERM, not 0`);
  row('committed', seen);
  return 'committed';
}

/** Null when the release is ready and names itself; else what is wrong. */
async function smokeProbe(url: string, expected: string): Promise<string | null> {
  if (!(await isReady(url))) return 'not ready';
  const status = (await (await fetch(`${url}/api`)).json()) as { release?: string };
  return status.release === expected ? null : `/api names release ${status.release}, not ${expected}`;
}

function noSessions(stat: { scur: number; qcur: number }): boolean {
  return stat.scur === 0 && stat.qcur === 0;
}

function blankTimes() {
  return {
    'ready s': '',
    'switch s': '',
    'drain s': '',
    'rollback s': '',
    'new release 5xx (seen by haproxy)': '',
  };
}

/**
 * Reads (the lesson list, the learner's progress, liveness) and idempotent writes (`lessons.submit` with a fresh
 * `idempotencyKey` each) through haproxy at a steady rate, each connection a learner of its own; every
 * answer and socket error is counted against the phase it happened in.
 */
function startLoad(url: string, tokens: string[], lessonId: string) {
  let current = 'start';
  const byPhase = new Map<string, { requests: number; 'non-2xx': number; 'socket errors': number }>();
  const counter = () => {
    let counts = byPhase.get(current);
    if (!counts) {
      counts = { requests: 0, 'non-2xx': 0, 'socket errors': 0 };
      byPhase.set(current, counts);
    }
    return counts;
  };
  let limited = 0;
  let writes2xx = 0;
  const tally = (status: number) => {
    const counts = counter();
    counts.requests++;
    if (status === 429) limited++;
    else if (status < 200 || status >= 300) counts['non-2xx']++;
  };
  // One autocannon run per learner (one connection, its own token and address): a run's headers are
  // the only ones its requests carry, whatever the request sequence.
  const common = (learner: number) => ({
    url,
    duration: 3_600,
    timeout: 20,
    connections: 1,
    headers: {
      // An address of its own: public procedures spend the caller's IP budget.
      'x-forwarded-for': `198.18.10.${learner % 250}`,
      authorization: `Bearer ${tokens[learner % tokens.length]}`,
      'content-type': 'application/json',
    },
  });
  const run = (options: autocannon.Options) => {
    let instance: autocannon.Instance | undefined;
    const done = new Promise<autocannon.Result>((resolve, reject) => {
      instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    });
    instance!.on('reqError', () => {
      counter()['socket errors']++;
    });
    return { instance: instance!, done };
  };
  const readRequests: autocannon.Request[] = [
    { method: 'GET', path: query('lessons.getAll', { language: 'es' }), onResponse: tally },
    { method: 'GET', path: query('lessons.getUserProgress', { language: 'es' }), onResponse: tally },
    { method: 'GET', path: '/api/health/live', onResponse: tally },
  ];
  const writeRequests: autocannon.Request[] = [
    {
      method: 'POST',
      path: '/api/trpc/lessons.submit',
      setupRequest: (request) => ({
        ...request,
        body: JSON.stringify({
          json: {
            lessonId,
            answers: [{ id: 'q1', correct: true }],
            timeSpent: 30,
            idempotencyKey: randomUUID(),
          },
        }),
      }),
      onResponse: (status) => {
        tally(status);
        if (status >= 200 && status < 300) writes2xx++;
      },
    },
  ];
  const runs = [
    ...Array.from({ length: READ_CONNECTIONS }, (_, learner) =>
      run({ ...common(learner), connectionRate: READ_RATE, requests: readRequests }),
    ),
    ...Array.from({ length: WRITE_CONNECTIONS }, (_, index) =>
      run({ ...common(READ_CONNECTIONS + index), connectionRate: WRITE_RATE, requests: writeRequests }),
    ),
  ];
  return {
    phase(name: string) {
      current = name;
    },
    counts(name: string) {
      return { ...(byPhase.get(name) ?? { requests: 0, 'non-2xx': 0, 'socket errors': 0 }) };
    },
    async stop() {
      for (const { instance } of runs) instance.stop();
      const results = await Promise.all(runs.map(({ done }) => done));
      return {
        requests: results.reduce((sum, result) => sum + result.requests.total, 0),
        errors: results.reduce((sum, result) => sum + result.errors + result.timeouts, 0),
        limited,
        writes2xx,
      };
    },
  };
}

async function isReady(url: string): Promise<boolean> {
  return (await fetch(`${url}/api/health/ready`).catch(() => null))?.status === 200;
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function query(path: string, input: unknown): string {
  return `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
}

/** Signs learners up on the given instance, each from an address of its own; their access tokens. */
async function signUp(url: string, count: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const response = await fetch(`${url}/api/trpc/auth.signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.18.9.${index % 250}` },
        body: JSON.stringify({
          json: {
            name: `Drill ${index}`,
            email: `bluegreen-${index}@drill.invalid`,
            password: 'Drill-Password-2026',
          },
        }),
      });
      if (!response.ok) throw new Error(`signup answered ${response.status}: ${await response.text()}`);
      const body = (await response.json()) as { result: { data: { json: { accessToken: string } } } };
      return body.result.data.json.accessToken;
    }),
  );
}

/** The first Spanish lesson (a beginner one, open to every learner): what the writes submit. */
async function firstLesson(url: string): Promise<string> {
  const response = await fetch(`${url}${query('lessons.getAll', { language: 'es' })}`);
  const body = (await response.json()) as { result: { data: { json: unknown } } };
  const data = body.result.data.json;
  const lessons = (Array.isArray(data) ? data : (data as { lessons: unknown[] }).lessons) as { id: string }[];
  if (!lessons?.[0]) throw new Error(`no lesson in ${JSON.stringify(data).slice(0, 200)}`);
  return lessons[0].id;
}
