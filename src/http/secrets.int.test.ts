import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUser, type TestUser } from '../../test/factories.js';
import { createTestApp, type TestApp, unique } from '../../test/harness.js';
import { type TrpcCallOptions, trpcCall } from '../../test/trpc-call.js';
import { SECRET_ENV_KEYS } from '../config/env.js';
import { openPglite } from '../db/client.js';

/**
 * With every secret configured to a recognisable value, requests fail in every way we know of; then no log
 * line, response body or response header may contain a secret, the user's password, a refresh token or an
 * Authorization header value (README "Secrets are never logged or echoed"; STYLE habit 10).
 */

const MAIL_DOMAIN = 'secrets-test.example';
const JWT_SECRET = 'jwt-SECRET-3f9a1c7e5b2d4068a1b2c3d4e5f60718';
const PREVIOUS_SECRET = 'old-jwt-SECRET-7e1d2c3b4a5968778695a4b3c2d1e0f9';
const METRICS_TOKEN = 'metrics-SECRET-5c4b3a2918273645';
const SMTP_PASSWORD = 'Pa55-smtp-SECRET';
const REVENUECAT_SECRET = 'revenuecat-SECRET-9a8b7c6d5e4f';
const LOG_SIGNING_KEY = 'log-signing-SECRET-2b4d6f8a';
const SENTRY_KEY = 'sentrykeySECRET0d9c8b7a6f5e';
const DATABASE_PASSWORD = 'Pg-pa55-SECRET-db';
const REDIS_PASSWORD = 'Redis-pa55-SECRET';

/** The URL with a password added, when the service still accepts it (trust auth, no requirepass). */
async function withPasswordIfAccepted(
  url: string | null,
  password: string,
  accepts: (url: string) => Promise<boolean>,
): Promise<string | undefined> {
  if (!url) return undefined;
  const parsed = new URL(url);
  if (parsed.password) return url;
  parsed.username ||= parsed.protocol.startsWith('redis') ? 'default' : 'postgres';
  parsed.password = password;
  const candidate = parsed.toString();
  return (await accepts(candidate).catch(() => false)) ? candidate : url;
}

const postgresAccepts = async (url: string) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
};

// Redis without requirepass rejects AUTH, so a URL with a password only works against one that has it.
const redisAccepts = async (url: string) => {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } finally {
    client.disconnect();
  }
};

let env: Record<(typeof SECRET_ENV_KEYS)[number], string | undefined>;
/** Strings that must appear nowhere: every configured secret value and its parts. */
let secrets: string[];
/** Strings that must never be logged, beyond the secrets: passwords, tokens, Authorization values. */
const unloggable = new Set<string>();
const responses: { what: string; text: string; headers: [string, string][]; issuesTokens: boolean }[] = [];

let t: TestApp;
let failing: TestApp;
let alice: TestUser;

beforeAll(async () => {
  // Typed against SECRET_ENV_KEYS: a secret added there without a value here does not compile.
  env = {
    JWT_SECRET,
    JWT_PREVIOUS_KEYS: `old:${PREVIOUS_SECRET}`,
    METRICS_TOKEN,
    SMTP_URL: `smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:1`,
    REVENUECAT_WEBHOOK_SECRET: REVENUECAT_SECRET,
    AI_API_KEY: 'sk-ai-canary-4f9d0c2e7b1a58e3',
    STT_API_KEY: 'sk-stt-canary-9a1b7e3c5d2f04a6',
    IMAGES_API_KEY: 'sk-images-canary-2c8e6a4b0d1f97e5',
    LOG_INGEST_SIGNING_KEY: LOG_SIGNING_KEY,
    // Port 9 (discard): nothing listens, so error reports are dropped; the key must still never show.
    SENTRY_DSN: `http://${SENTRY_KEY}@127.0.0.1:9/1`,
    DATABASE_URL: await withPasswordIfAccepted(inject('databaseUrl'), DATABASE_PASSWORD, postgresAccepts),
    REDIS_URL: await withPasswordIfAccepted(inject('redisUrl'), REDIS_PASSWORD, redisAccepts),
  };
  secrets = Object.values(env).filter((value): value is string => value !== undefined);
  for (const part of [
    JWT_SECRET,
    PREVIOUS_SECRET,
    METRICS_TOKEN,
    SMTP_PASSWORD,
    REVENUECAT_SECRET,
    SENTRY_KEY,
  ]) {
    secrets.push(part);
  }
  for (const url of [env.DATABASE_URL, env.REDIS_URL]) {
    const password = url ? decodeURIComponent(new URL(url).password) : '';
    if (password) secrets.push(password);
  }

  t = await createTestApp({ env: { ...env, LOGIN_LOCKOUT_THRESHOLD: '2' }, mailDomain: MAIL_DOMAIN });
  alice = await createUser(t, { email: `${unique('alice')}@${MAIL_DOMAIN}` });
  rememberUser(alice);
});

afterAll(async () => {
  await t?.close();
  await failing?.close();
});

function rememberUser(user: TestUser) {
  for (const value of [user.password, user.refreshToken, user.accessToken, user.authorization]) {
    unloggable.add(value);
  }
}

function remember(authorization: string | null) {
  if (!authorization) return;
  unloggable.add(authorization);
  unloggable.add(authorization.replace(/^\S+\s+/, ''));
}

/** Sends a request through the app, remembering its Authorization value and its answer for the scan. */
async function send(
  app: TestApp,
  what: string,
  path: string,
  init: RequestInit = {},
  options: { issuesTokens?: boolean } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  remember(headers.get('authorization'));
  const response = await app.request(path, { ...init, headers });
  const text = await response.clone().text();
  responses.push({ what, text, headers: [...response.headers], issuesTokens: options.issuesTokens ?? false });
  return response;
}

/** Calls procedures through `trpcCall`, remembering the call's Authorization value and its answer. */
async function trpcSend(
  app: TestApp,
  what: string,
  path: string,
  input: unknown,
  options: TrpcCallOptions = {},
): Promise<Response> {
  remember(options.headers?.authorization ?? null);
  const answer = await trpcCall(app, path, input, options);
  responses.push({ what, text: answer.text, headers: [...answer.response.headers], issuesTokens: false });
  return answer.response;
}

async function forgedToken(secret: string, kid: string, user: TestUser): Promise<string> {
  return new SignJWT({ sid: user.sessionId, type: 'access', role: 'admin' })
    .setProtectedHeader({ alg: 'HS256', kid })
    .setSubject(user.user.id)
    .setIssuer('linguamate-api')
    .setAudience('linguamate-app')
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(secret));
}

async function waitForLog(app: TestApp, message: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!app.logs.lines.some((line) => line.msg === message)) {
    if (Date.now() > deadline) throw new Error(`no "${message}" log line within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A scenario runs at most once per file run: its test runs it, and the scans run every scenario first, so
 * each test passes alone (`-t`) while the scans still cover what every scenario produced.
 */
function scenario(name: string, run: () => Promise<void>): { name: string; run: () => Promise<void> } {
  let outcome: Promise<void> | undefined;
  return { name, run: () => (outcome ??= run()) };
}

const malformedRequests = scenario(
  'answers malformed requests without echoing what they carried',
  async () => {
    const truncated = `{"0":{"json":{"email":"${alice.user.email}","password":"${alice.password}"`;
    expect((await trpcSend(t, 'invalid JSON', 'auth.login', undefined, { rawBatch: truncated })).status).toBe(
      400,
    );
    const notJson = `password=${alice.password}&token=${alice.refreshToken}`;
    expect(
      (await trpcSend(t, 'form body', 'auth.refreshToken', undefined, { rawBatch: notJson })).status,
    ).toBe(400);
    expect((await trpcSend(t, 'unknown procedure', 'auth.nope', { password: alice.password })).status).toBe(
      404,
    );
    const invalid = await trpcSend(
      t,
      'invalid input',
      'auth.changePassword',
      { currentPassword: alice.password, newPassword: 'short', confirmPassword: 'short' },
      { headers: { authorization: alice.authorization } },
    );
    expect(invalid.status).toBe(400);
  },
);

const badTokens = scenario('refuses bad and forged access tokens', async () => {
  const other = await forgedToken('another-secret-another-secret-0123456789', 'k1', alice);
  const wrongKid = await forgedToken(JWT_SECRET, 'old', alice);
  for (const authorization of [
    'Bearer not-a-token',
    `Bearer ${other}`,
    `Bearer ${wrongKid}`,
    `Bearer ${alice.refreshToken}`,
    `Basic ${Buffer.from(`${alice.user.email}:${alice.password}`).toString('base64')}`,
    `Bearer ${JWT_SECRET}`,
  ]) {
    const response = await trpcSend(t, 'bad token', 'user.get', {}, { headers: { authorization } });
    expect(response.status).toBe(401);
  }
  // A token of the previous key still verifies (key rotation), and its answer holds no key either.
  const rotated = await forgedToken(PREVIOUS_SECRET, 'old', alice);
  const headers = { authorization: `Bearer ${rotated}` };
  expect((await trpcSend(t, 'previous key', 'user.get', {}, { headers })).status).toBe(200);
});

const webhooksAndScrapes = scenario('refuses webhooks and scrapes without the right secret', async () => {
  const webhook = (authorization: string | null, body: string) =>
    send(t, 'webhook', '/api/webhooks/revenuecat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body,
    });
  const event = JSON.stringify({ event: { id: unique('evt'), type: 'TEST', app_user_id: alice.user.id } });
  expect((await webhook(null, event)).status).toBe(401);
  expect((await webhook(`Bearer ${REVENUECAT_SECRET.slice(0, -1)}`, event)).status).toBe(401);
  expect((await webhook(REVENUECAT_SECRET, event)).status).toBe(401);
  expect((await webhook(`Bearer ${REVENUECAT_SECRET}`, '{"event":')).status).toBe(400);
  expect((await webhook(`Bearer ${REVENUECAT_SECRET}`, '{"event":{}}')).status).toBe(400);

  expect((await send(t, 'metrics', '/metrics')).status).toBe(401);
  const wrong = { authorization: `Bearer ${METRICS_TOKEN}x` };
  expect((await send(t, 'metrics', '/metrics', { headers: wrong })).status).toBe(401);
  const scrape = await send(t, 'metrics', '/metrics', {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  expect(scrape.status).toBe(200);
  for (const path of ['/api', '/api/info', '/api/health', '/api/health/ready', '/api/nope']) {
    await send(t, 'status', path);
  }

  // Client logs carrying credentials: stored and re-emitted redacted, whatever the signature.
  const logs = [
    {
      ts: new Date().toISOString(),
      lvl: 'SECURITY',
      cat: 'auth',
      evt: 'login_failed',
      msg: `login failed password=${alice.password} with ${alice.accessToken}`,
      data: {
        authorization: alice.authorization,
        refreshToken: alice.refreshToken,
        note: alice.authorization,
      },
    },
  ];
  const ts = new Date().toISOString();
  const batch = (key: string) => {
    const hmac = createHmac('sha256', key)
      .update(JSON.stringify({ items: logs, ts }))
      .digest('hex');
    return send(t, 'client logs', '/api/ingest/logs', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: alice.authorization },
      body: JSON.stringify({ logs, sig: { hmac, algo: 'HMAC-SHA256', ts } }),
    });
  };
  expect((await batch(`${LOG_SIGNING_KEY}x`)).status).toBe(401);
  expect((await batch(LOG_SIGNING_KEY)).status).toBe(200);
});

const lockoutAndRefresh = scenario(
  'locks an account after failed logins, and rotates and replays refresh tokens',
  async () => {
    const bob = await createUser(t);
    rememberUser(bob);
    for (const password of ['Wrong-Pass-1a', 'Wrong-Pass-2b', 'Wrong-Pass-3c', bob.password]) {
      unloggable.add(password);
      const response = await trpcSend(t, 'login', 'auth.login', { email: bob.user.email, password });
      expect([401, 429]).toContain(response.status);
    }
    expect(t.logs.lines.some((line) => line.evt === 'account_locked')).toBe(true);

    const carol = await createUser(t);
    rememberUser(carol);
    const login = await trpcSend(t, 'login', 'auth.login', {
      email: carol.user.email,
      password: carol.password,
    });
    expect(login.status).toBe(200);
    const [{ result }] = (await login.json()) as [{ result: { data: { json: { refreshToken: string } } } }];
    const issued = result.data.json.refreshToken;
    unloggable.add(issued);
    responses.at(-1)!.issuesTokens = true;
    const rotated = await trpcSend(t, 'refresh', 'auth.refreshToken', { refreshToken: issued });
    expect(rotated.status).toBe(200);
    responses.at(-1)!.issuesTokens = true;
    const [{ result: next }] = (await rotated.json()) as [
      { result: { data: { json: { refreshToken: string } } } },
    ];
    unloggable.add(next.data.json.refreshToken);
    // The replay of a rotated token is theft (or a retry within the grace window): refused either way.
    const replayed = await trpcSend(t, 'replay', 'auth.refreshToken', { refreshToken: issued });
    expect(replayed.status).toBe(401);
    const unknownToken = `${issued.slice(0, -4)}AAAA`;
    unloggable.add(unknownToken);
    expect((await trpcSend(t, 'refresh', 'auth.refreshToken', { refreshToken: unknownToken })).status).toBe(
      401,
    );
  },
);

const failedMail = scenario(
  'fails to mail a password reset code without logging the SMTP credentials',
  async () => {
    const response = await trpcSend(t, 'reset', 'auth.requestPasswordReset', { email: alice.user.email });
    expect(response.status).toBe(200);
    await t.deps.mailer.drainOnce();
    await waitForLog(t, 'mail send failed', 45_000);
  },
);

const deadDatabase = scenario(
  'answers 500 for a dead database, logging the stack but no secret',
  async () => {
    const broken = await openPglite(null);
    await broken.close();
    failing = await createTestApp({
      database: broken,
      env: { ...env, LESSON_CACHE_TTL_SECONDS: '0', RESPONSE_CACHE_SECONDS: '0' },
    });
    const lessons = await trpcSend(failing, '500', 'lessons.getAll', {});
    expect(lessons.status).toBe(500);
    const login = await trpcSend(failing, '500', 'auth.login', {
      email: alice.user.email,
      password: alice.password,
    });
    expect(login.status).toBe(500);
    const refresh = await trpcSend(failing, '500', 'auth.refreshToken', { refreshToken: alice.refreshToken });
    expect(refresh.status).toBe(500);
    const reset = await trpcSend(failing, '500', 'auth.requestPasswordReset', { email: alice.user.email });
    expect(reset.status).toBe(500);
    expect(failing.logs.lines.some((line) => line.msg === 'procedure failed')).toBe(true);
  },
);

const SCENARIOS = [
  malformedRequests,
  badTokens,
  webhooksAndScrapes,
  lockoutAndRefresh,
  failedMail,
  deadDatabase,
];

describe('failures with every secret configured', () => {
  for (const { name, run } of SCENARIOS) {
    it(name, { timeout: 60_000 }, run);
  }
});

describe('after all of it', () => {
  const allLogLines = () => [...t.logs.raw, ...(failing?.logs.raw ?? [])];
  const failedScenarios: string[] = [];

  // Every scenario, so a scan run alone scans them all; those that ran already are not repeated. A failed
  // scenario is reported below, and the scans still cover whatever it produced.
  beforeAll(async () => {
    // One after another, as in a full run: a scenario reads the answer it recorded last.
    for (const { name, run } of SCENARIOS) {
      await run().catch((error: unknown) => failedScenarios.push(`${name}: ${String(error)}`));
    }
  }, 120_000);

  it('every secret is configured and was in play', () => {
    expect(failedScenarios).toEqual([]);
    expect(Object.keys(env).sort()).toEqual([...SECRET_ENV_KEYS].sort());
    for (const key of SECRET_ENV_KEYS) {
      if (key === 'DATABASE_URL' && !inject('databaseUrl')) continue;
      if (key === 'REDIS_URL' && !inject('redisUrl')) continue;
      expect(env[key], key).toBeDefined();
    }
    expect(allLogLines().length).toBeGreaterThan(20);
    expect(responses.length).toBeGreaterThan(30);
  });

  it('no log line holds a secret, a password, a token or an Authorization value', () => {
    const leaks = allLogLines().flatMap((line) =>
      [...secrets, ...unloggable]
        .filter((value) => line.includes(value))
        .map((value) => `${value.slice(0, 12)}… in ${line.slice(0, 300)}`),
    );
    expect(leaks, leaks.join('\n')).toEqual([]);
  });

  it('no log line carries an authorization header, redacted or not, other than as [REDACTED]', () => {
    const lines = allLogLines().filter((line) => /bearer |basic [a-z0-9+/=]{8,}/i.test(line));
    expect(lines).toEqual([]);
  });

  it('no response body or header holds a secret or a password, nor a refresh token it did not issue', () => {
    const leaks = responses.flatMap((response) => {
      const forbidden = [...secrets, alice.password];
      const refreshTokens = [...unloggable].filter((value) => /^[A-Za-z0-9_-]{40,}$/.test(value));
      if (!response.issuesTokens) forbidden.push(...refreshTokens);
      const where = [response.text, ...response.headers.map(([name, value]) => `${name}: ${value}`)];
      return forbidden
        .filter((value) => where.some((text) => text.includes(value)))
        .map((value) => `${response.what}: ${value.slice(0, 12)}…`);
    });
    expect(leaks, leaks.join('\n')).toEqual([]);
  });
});
