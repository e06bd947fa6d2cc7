import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturedLogs, testEnv, unique } from '../../test/harness.js';
import { ConfigError } from '../config/env.js';
import { openPglite, openPostgres } from '../db/client.js';
import { createLogger } from '../lib/logger.js';
import { projectRoot } from '../lib/project-root.js';
import { findAccountByEmail } from '../modules/users/accounts.js';
import { createAdmin } from './create-admin.js';
import { migrateDatabase } from './migrate.js';
import { cliErrorLine } from './run-cli.js';
import { seedDatabase } from './seed.js';

/**
 * The command-line tools against the run's database (or embedded PGlite in a directory of their own),
 * called in-process, and one of them as a real process to prove the entry point runs its command.
 */

let dataDir: string;
let env: ReturnType<typeof testEnv>;
const logs = new CapturedLogs();

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'linguamate-cli-'));
  env = testEnv({ DATA_DIR: dataDir, ACCESS_LOG: 'off' });
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

/** The stored account, read through a connection of the test's own. */
async function account(email: string) {
  const database = env.DATABASE_URL
    ? await openPostgres({
        url: env.DATABASE_URL,
        poolMax: 1,
        statementTimeoutMs: 5_000,
        connectRetries: 0,
        log: createLogger({ level: 'silent', env: 'test' }),
      })
    : await openPglite(dataDir);
  try {
    return await findAccountByEmail({ db: database.db }, email);
  } finally {
    await database.close();
  }
}

describe('db:migrate and db:seed', () => {
  it('apply the migrations and load the content, and can run again', async () => {
    await migrateDatabase(env, { logDestination: logs });
    await seedDatabase(env, { logDestination: logs });
    await migrateDatabase(env, { logDestination: logs });
    const runs = logs.lines.filter((line) => String(line.msg).startsWith('migrations:'));
    expect(runs.length).toBe(2);
    expect(runs.at(-1)).toMatchObject({ applied: [] });
  });
});

describe('admin:create', () => {
  const password = 'Admin-Console-2049';

  it('creates an administrator with a verified email, then promotes nothing twice', async () => {
    const email = `${unique('ops')}@example.com`;
    const created = await createAdmin(env, [email, ' Ops Team '], async () => password, {
      logDestination: logs,
    });
    expect(created.created).toBe(true);
    expect(await account(email)).toMatchObject({ role: 'admin', emailVerified: true, name: 'Ops Team' });
    const again = await createAdmin(env, [email], () => Promise.reject(new Error('no password needed')), {
      logDestination: logs,
    });
    expect(again).toEqual({ userId: created.userId, created: false });
  });

  it('refuses a missing email and a weak password, creating nothing', async () => {
    await expect(createAdmin(env, [], async () => password)).rejects.toThrow(/usage: npm run admin:create/);
    const email = `${unique('weak')}@example.com`;
    await expect(createAdmin(env, [email], async () => 'password', { logDestination: logs })).rejects.toThrow(
      /Password must be/,
    );
    expect(await account(email)).toBeNull();
  });
});

describe('command-line errors', () => {
  it('print one line without a URL, and configuration errors without a prefix', () => {
    expect(cliErrorLine(new Error('connect to postgres://admin:s3cret@db:5432/x failed'))).toBe(
      'failed: connect to <url> failed',
    );
    expect(cliErrorLine(new ConfigError('Invalid configuration: PORT is invalid'))).toBe(
      'Invalid configuration: PORT is invalid',
    );
  });

  it('run their command when started as a program', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/migrate.ts'], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        ...(env.DATABASE_URL && { DATABASE_URL: env.DATABASE_URL }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(output).toMatch(/"msg":"migrations: 0 applied, \d+ in total"/);
  });
});
