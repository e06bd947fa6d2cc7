import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, root, runAdminStatement, waitFor } from '../cluster/processes.js';
import { withDatabase } from '../global-setup.js';

/**
 * `npm run test:rollback`: the rollback guarantee of docs/migrations.md. The previous release's API must
 * serve on the schema the current migrations leave behind, since a rollback (or the old half of a rolling
 * deploy) runs old code on a migrated database.
 *
 * The previous release is ROLLBACK_REF when set, else the newest tag before HEAD, else the parent of the
 * commit that added the newest migration file. It is checked out into a temporary git worktree sharing
 * this node_modules; a new database on TEST_DATABASE_URL's server is migrated and seeded by the current
 * code; the previous release's server starts on it (ROLES=api) and answers a smoke set over HTTP: sign
 * up, log in, lessons.getAll, lessons.submit, user.getProfile. Any 5xx fails the run. Skipped, exit 0,
 * when there is no git history to find a previous release in (a shallow clone, an archive).
 */
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const admin = (statement: string) => runAdminStatement(adminUrl, statement);
const log = (line: string) =>
  process.stdout.write(`[rollback ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const tryGit = (...args: string[]): string | null => {
  try {
    return git(...args) || null;
  } catch {
    return null;
  }
};

const started = Date.now();
const previous = findPreviousRelease();
if (!previous) process.exit(0);
log(`previous release: ${previous.ref} (${previous.why})`);

const worktree = mkdtempSync(path.join(os.tmpdir(), 'linguamate-previous-'));
rmSync(worktree, { recursive: true });
git('worktree', 'add', '--detach', worktree, previous.ref);
symlinkSync(path.join(root, 'node_modules'), path.join(worktree, 'node_modules'), 'dir');

const databaseName = `linguamate_rollback_${Date.now()}`;
await admin(`create database ${databaseName}`);
const failures: string[] = [];
let server: ReturnType<typeof spawn> | null = null;
const stderr: string[] = [];
try {
  const env = {
    PATH: process.env.PATH ?? '',
    // Production needs Redis; without TEST_REDIS_URL the servers run with their in-process stores.
    NODE_ENV: process.env.TEST_REDIS_URL ? 'production' : 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: withDatabase(adminUrl, databaseName),
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
    JWT_SECRET: 'rollback-test-secret-0123456789-abcdefghij',
    CORS_ORIGINS: 'https://rollback.invalid',
    TRUSTED_PROXIES: 'loopback',
  };
  // The current release migrates (and seeds) first, as a deploy does before any rollback.
  for (const cli of ['src/cli/migrate.ts', 'src/cli/seed.ts']) {
    execFileSync(process.execPath, ['--import', 'tsx', cli], { cwd: root, env, stdio: 'inherit' });
  }
  log(`database ${databaseName} migrated and seeded by the current code`);

  const port = await freePort();
  server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: worktree,
    env: { ...env, ROLES: 'api', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  server.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'the previous release to be ready',
    async () => (await fetch(`${url}/api/health/ready`)).status === 200,
  );
  log(`previous release ready on the migrated schema after ${Date.now() - started} ms`);
  await smoke(url);
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error));
} finally {
  server?.kill('SIGTERM');
  await new Promise((resolve) =>
    server && server.exitCode === null ? server.once('exit', resolve) : resolve(null),
  );
  await admin(`drop database if exists ${databaseName} with (force)`).catch(() => undefined);
  tryGit('worktree', 'remove', '--force', worktree);
}

if (failures.length > 0) {
  for (const failure of failures) process.stderr.write(`[rollback] FAILED: ${failure}\n`);
  if (stderr.length > 0)
    process.stderr.write(`[rollback] previous release's stderr:\n${stderr.join('').slice(-4000)}\n`);
  process.exit(1);
}
log(`passed in ${Date.now() - started} ms: ${previous.ref} serves the current schema`);

interface Call {
  name: string;
  status: number;
  body: unknown;
}

/** The smoke set: each call must not answer 5xx; the ones a learner cannot do without must answer 2xx. */
async function smoke(url: string): Promise<void> {
  const calls: Call[] = [];
  const call = async (name: string, request: () => Promise<Response>, mustSucceed: boolean) => {
    const response = await request();
    const text = await response.text();
    const body = text ? (JSON.parse(text) as unknown) : null;
    calls.push({ name, status: response.status, body });
    if (response.status >= 500) failures.push(`${name} answered ${response.status}: ${text.slice(0, 300)}`);
    else if (mustSucceed && !response.ok)
      failures.push(`${name} answered ${response.status}: ${text.slice(0, 300)}`);
    return body as { result?: { data?: { json?: unknown } } } | null;
  };
  const headers = (token?: string) => ({
    'content-type': 'application/json',
    'x-forwarded-for': '198.18.9.1',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
  const mutation = (procedure: string, input: unknown, token?: string) => () =>
    fetch(`${url}/api/trpc/${procedure}`, {
      method: 'POST',
      headers: headers(token),
      body: JSON.stringify({ json: input }),
    });
  const query = (procedure: string, input: unknown, token?: string) => () =>
    fetch(`${url}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, {
      headers: headers(token),
    });

  const email = `rollback-${Date.now()}@rollback.invalid`;
  const password = 'Rollback-Password-2026';
  await call('auth.signup', mutation('auth.signup', { name: 'Rollback', email, password }), true);
  const login = await call('auth.login', mutation('auth.login', { email, password }), true);
  const token = (login?.result?.data?.json as { accessToken?: string } | undefined)?.accessToken;
  if (!token) {
    failures.push('auth.login returned no access token');
    return;
  }
  const lessons = await call('lessons.getAll', query('lessons.getAll', {}), true);
  const list = lessons?.result?.data?.json;
  const first = Array.isArray(list) ? (list[0] as { id?: string } | undefined) : undefined;
  if (first?.id) {
    await call(
      'lessons.submit',
      mutation(
        'lessons.submit',
        { lessonId: first.id, answers: [{ id: 'q1', correct: true }], timeSpent: 30 },
        token,
      ),
      false,
    );
  } else {
    failures.push('lessons.getAll returned no lesson to submit');
  }
  await call('user.getProfile', query('user.getProfile', undefined, token), true);
  for (const { name, status } of calls) log(`${name}: ${status}`);
}

function findPreviousRelease(): { ref: string; why: string } | null {
  if (process.env.ROLLBACK_REF) return { ref: process.env.ROLLBACK_REF, why: 'ROLLBACK_REF' };
  if (!existsSync(path.join(root, '.git')) || tryGit('rev-parse', '--is-inside-work-tree') !== 'true') {
    log('SKIPPED: not a git checkout, no previous release to run');
    return null;
  }
  if (tryGit('rev-parse', '--is-shallow-repository') === 'true') {
    log('SKIPPED: shallow clone (fetch with full history, e.g. fetch-depth: 0), no previous release to run');
    return null;
  }
  const tag = tryGit('describe', '--tags', '--abbrev=0', 'HEAD^');
  if (tag) return { ref: tag, why: 'the newest tag before HEAD' };
  const added = tryGit('log', '-1', '--diff-filter=A', '--format=%H', '--', 'drizzle/*.sql');
  if (!added) {
    log('SKIPPED: no commit adds a migration');
    return null;
  }
  const parent = tryGit('rev-parse', '--verify', '--quiet', `${added}^`);
  if (!parent) {
    log(
      `SKIPPED: the newest migration came with the first commit (${added.slice(0, 10)}), nothing before it`,
    );
    return null;
  }
  return { ref: parent, why: `the parent of ${added.slice(0, 10)}, which added the newest migration` };
}
