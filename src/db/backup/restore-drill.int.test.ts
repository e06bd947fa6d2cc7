import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runAdminStatement } from '../../../test/admin-database.js';
import { createUser } from '../../../test/factories.js';
import { withDatabase } from '../../../test/global-setup.js';
import { createTestApp, usingPostgres } from '../../../test/harness.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { backupDatabase } from '../../cli/backup.js';
import { restoreFromArgs } from '../../cli/restore.js';
import { parseEnv } from '../../config/env.js';
import { createLogger } from '../../lib/logger.js';
import { projectRoot } from '../../lib/project-root.js';
import { recordActivity } from '../../modules/gamification/service.js';
import { type Database, openPglite, openPostgres } from '../client.js';
import { countPendingMigrations, runMigrations } from '../migrate.js';
import { seedIfNeeded } from '../seed/seed.js';
import { createBackup, restoreBackup, type TableFingerprint, tableFingerprints } from './index.js';
import { type BackupManifest, backupPaths } from './manifest.js';

/**
 * The restore drill (docs/operations.md): a migrated and seeded database with learners, their progress and
 * events is backed up, dropped, restored into a new database, and every table in every non-system schema
 * must come back with the same row count and content hash. Then the refusals: a damaged dump, a migration
 * head this code does not know, a target that is not empty; each before anything is written.
 */

const log = createLogger({ level: 'silent', env: 'test' });
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'linguamate-drill-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const envFor = (overrides: Record<string, string>) =>
  parseEnv({ NODE_ENV: 'test', BACKUP_DIR: path.join(work, 'backups'), ...overrides });

/** What a CLI wrote, as lines. */
function capture() {
  const lines: string[] = [];
  const out = {
    write: (chunk: string) => {
      lines.push(...chunk.split('\n').filter(Boolean));
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  return { out, lines };
}

/** Learners with sessions, XP, streaks and badges (user_events too) and analytics events. */
async function seedLearners(database: Database): Promise<void> {
  const t = await createTestApp({ database });
  try {
    for (let index = 0; index < 3; index++) {
      const learner = await createUser(t, { name: `Drill ${index} ‘quoted’ \\ \t tab` });
      await t.deps.db.transaction((tx) =>
        recordActivity(
          { db: tx },
          {
            userId: learner.user.id,
            at: new Date(),
            timeZone: 'UTC',
            language: 'es',
            minutes: 5 + index,
            lessonsCompleted: 1,
            xp: [{ amount: 40 * (index + 1), source: 'lesson', refId: `drill-${index}` }],
          },
        ),
      );
      const answer = await trpcCall(
        t,
        'analytics.trackEvent',
        { event: 'app_opened' },
        { headers: { authorization: learner.authorization } },
      );
      expect(answer.codes).toEqual(['OK']);
    }
  } finally {
    await t.close();
  }
}

function expectSeeded(tables: TableFingerprint[]): void {
  const rows = Object.fromEntries(tables.map((table) => [table.table, table.rows]));
  expect(tables.length).toBeGreaterThan(40);
  for (const table of [
    'public.users',
    'public.auth_sessions',
    'public.user_stats',
    'public.xp_events',
    'public.analytics_events',
    'public.user_events',
    'public.lessons',
    'drizzle.__drizzle_migrations',
  ]) {
    expect(rows[table], table).toBeGreaterThan(0);
  }
}

/** A copy of a backup (dump and manifest) under a new directory, so a test can damage it. */
async function copyBackup(dumpPath: string): Promise<string> {
  const directory = path.join(work, `copy-${randomUUID().slice(0, 8)}`);
  await mkdir(directory);
  const copy = path.join(directory, path.basename(dumpPath));
  await copyFile(dumpPath, copy);
  await copyFile(backupPaths(dumpPath).manifestPath, backupPaths(copy).manifestPath);
  return copy;
}

async function editManifest(dumpPath: string, edit: (manifest: BackupManifest) => void): Promise<void> {
  const file = backupPaths(dumpPath).manifestPath;
  const manifest = JSON.parse(await readFile(file, 'utf8')) as BackupManifest;
  edit(manifest);
  await writeFile(file, JSON.stringify(manifest));
}

async function flipByte(file: string): Promise<void> {
  const bytes = await readFile(file);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  await writeFile(file, bytes);
}

describe('restore drill, embedded PGlite', () => {
  let source: string;
  let dumpPath: string;
  let before: TableFingerprint[];

  beforeAll(async () => {
    source = path.join(work, 'embedded-source');
    const database = await openPglite(source);
    await runMigrations(database.db, log);
    await seedIfNeeded(database.db, log);
    await seedLearners(database);
    before = await tableFingerprints(database.db);
    await database.close();
    const { out, lines } = capture();
    dumpPath = await backupDatabase(envFor({ DATA_DIR: source }), out);
    expect(lines.at(-1)).toBe(dumpPath);
  }, 120_000);

  it('restores every table of a dropped data dir into a new one, row for row', async () => {
    expectSeeded(before);
    await rm(source, { recursive: true });
    const target = path.join(work, 'embedded-restored');
    const { out, lines } = capture();
    await restoreFromArgs([dumpPath, '--to-data-dir', target], out);
    expect(lines.at(-1)).toMatch(
      /^restored pglite backup .* migration 0\d+_\w+\) into .*embedded-restored: \d+ tables$/,
    );

    const restored = await openPglite(target);
    try {
      expect(await tableFingerprints(restored.db)).toEqual(before);
      expect(await countPendingMigrations(restored.db)).toBe(0);
    } finally {
      await restored.close();
    }
  });

  it('refuses a damaged dump before creating the target', async () => {
    const copy = await copyBackup(dumpPath);
    await flipByte(copy);
    const target = path.join(work, 'never-created');
    await expect(restoreBackup({ file: copy, to: target })).rejects.toThrow(/checksum mismatch/);
    expect(existsSync(target)).toBe(false);
  });

  it('refuses a migration head this code does not know, by time or by hash', async () => {
    const later = await copyBackup(dumpPath);
    await editManifest(later, (manifest) => {
      manifest.migrationHead.createdAt += 1;
    });
    await expect(restoreBackup({ file: later, to: path.join(work, 'x1') })).rejects.toThrow(
      /migration head .* not one this release knows/,
    );
    const edited = await copyBackup(dumpPath);
    await editManifest(edited, (manifest) => {
      manifest.migrationHead.hash = '0'.repeat(64);
    });
    await expect(restoreBackup({ file: edited, to: path.join(work, 'x2') })).rejects.toThrow(
      /not one this release knows/,
    );
    expect(existsSync(path.join(work, 'x1')) || existsSync(path.join(work, 'x2'))).toBe(false);
  });

  it('refuses a URL as the target of an embedded backup', async () => {
    await expect(restoreBackup({ file: dumpPath, to: 'postgres://127.0.0.1:1/x' })).rejects.toThrow(
      /--to-data-dir/,
    );
  });

  it('refuses a data dir that is not empty, leaving it as it was', async () => {
    const target = path.join(work, 'occupied');
    await mkdir(target);
    await writeFile(path.join(target, 'keep.txt'), 'mine');
    await expect(restoreBackup({ file: dumpPath, to: target })).rejects.toThrow(/not empty/);
    expect(existsSync(path.join(target, 'pglite'))).toBe(false);
  });

  it('refuses a data dir a server has open; keeps the newest BACKUP_KEEP_COUNT backups, none older than BACKUP_KEEP_DAYS', async () => {
    const copy = await copyBackup(dumpPath);
    const directory = path.dirname(copy);
    // An old backup (the copy, re-dated) and a fresh one beside it: with 30 days, the old one goes.
    await editManifest(copy, (manifest) => {
      manifest.createdAt = new Date(Date.now() - 31 * 86_400_000).toISOString();
    });
    await writeFile(path.join(directory, 'linguamate-unrelated.txt'), 'not ours');
    await rm(path.join(work, 'embedded-retention'), { recursive: true, force: true });
    const database = await openPglite(path.join(work, 'embedded-retention'));
    await runMigrations(database.db, log);
    const env = envFor({ DATA_DIR: path.join(work, 'embedded-retention'), BACKUP_DIR: directory });
    // Open in this process, as a running server would hold it: refused, nothing written.
    await expect(createBackup(env)).rejects.toThrow(/is open \(postmaster.pid\): stop the server first/);
    await database.close();
    const fresh = await createBackup(env);
    expect(fresh.removed).toEqual([copy]);
    expect(existsSync(copy)).toBe(false);
    expect(existsSync(path.join(directory, 'linguamate-unrelated.txt'))).toBe(true);
    const second = await createBackup({ ...env, BACKUP_KEEP_COUNT: 1 }, new Date(Date.now() + 2_000));
    expect(second.removed).toEqual([fresh.dumpPath]);
    expect(existsSync(second.dumpPath) && existsSync(second.manifestPath)).toBe(true);
  }, 60_000);
});

describe('npm run backup and npm run restore as programs', () => {
  const run = (script: string, args: string[], env: Record<string, string>) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', BACKUP_DIR: path.join(work, 'cli-backups'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.once('close', (code) => resolve({ code, stdout, stderr })),
    );
  };

  it('backs up, printing the dump path last and never the password', async () => {
    const runUrl = inject('databaseUrl');
    let env: Record<string, string>;
    if (runUrl) {
      const url = new URL(runUrl);
      url.password = 'drill-password-never-printed';
      env = { DATABASE_URL: url.toString() };
    } else {
      const dataDir = path.join(work, 'cli-source');
      const database = await openPglite(dataDir);
      await runMigrations(database.db, log);
      await database.close();
      env = { DATA_DIR: dataDir };
    }
    const result = await run('src/cli/backup.ts', [], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const last = result.stdout.trim().split('\n').at(-1) ?? '';
    expect(existsSync(last) && existsSync(backupPaths(last).manifestPath)).toBe(true);
    expect(result.stdout).not.toContain('drill-password-never-printed');
  }, 60_000);

  it('fail with one line naming no URL nor password, and exit 1', async () => {
    const failed = await run('src/cli/backup.ts', [], {
      DATABASE_URL: 'postgres://app:drill-password-never-printed@127.0.0.1:1/linguamate',
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^failed: .+\n$/);
    expect(failed.stderr).not.toContain('drill-password-never-printed');
    const usage = await run('src/cli/restore.ts', ['only-a-file.dump'], {});
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/^failed: usage: npm run restore -- <backup file> --to/);
  }, 60_000);
});

describe.runIf(usingPostgres())('restore drill, PostgreSQL', () => {
  const adminUrl = () => inject('adminDatabaseUrl') as string;
  const created: string[] = [];
  const admin = (statement: string) => runAdminStatement(adminUrl(), statement);
  async function newDatabase(): Promise<string> {
    const name = `linguamate_drill_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    await admin(`create database ${name}`);
    created.push(name);
    return withDatabase(adminUrl(), name);
  }
  const open = (url: string) =>
    openPostgres({ url, poolMax: 2, statementTimeoutMs: 30_000, connectRetries: 0, log });

  let sourceName: string;
  let dumpPath: string;
  let before: TableFingerprint[];

  beforeAll(async () => {
    const url = await newDatabase();
    sourceName = new URL(url).pathname.slice(1);
    const database = await open(url);
    await runMigrations(database.db, log);
    await seedIfNeeded(database.db, log);
    await seedLearners(database);
    before = await tableFingerprints(database.db);
    await database.close();
    const { out, lines } = capture();
    dumpPath = await backupDatabase(envFor({ DATABASE_URL: url }), out);
    expect(lines.at(-1)).toBe(dumpPath);
  }, 120_000);

  afterAll(async () => {
    for (const name of created) await admin(`drop database if exists ${name} with (force)`);
  });

  it('restores a dropped database into a new one, every table row for row', async () => {
    expectSeeded(before);
    await admin(`drop database ${sourceName} with (force)`);
    const target = await newDatabase();
    const { out, lines } = capture();
    await restoreFromArgs([dumpPath, '--to', target], out);
    expect(lines.at(-1)).toMatch(/^restored postgres backup .* into database linguamate_drill_\w+ on /);
    expect(lines.join('\n')).not.toContain('postgres://');

    const restored = await open(target);
    try {
      expect(await tableFingerprints(restored.db)).toEqual(before);
      expect(await countPendingMigrations(restored.db)).toBe(0);
    } finally {
      await restored.close();
    }
  });

  it('refuses a damaged dump without connecting to the target', async () => {
    const copy = await copyBackup(dumpPath);
    await flipByte(copy);
    // The target does not exist: a connection attempt would fail differently.
    const target = withDatabase(adminUrl(), 'linguamate_drill_never_created');
    await expect(restoreBackup({ file: copy, to: target })).rejects.toThrow(/checksum mismatch/);
  });

  it('refuses a migration head this code does not know', async () => {
    const copy = await copyBackup(dumpPath);
    await editManifest(copy, (manifest) => {
      manifest.migrationHead.createdAt = 4_102_444_800_000;
      manifest.migrationHead.tag = '9999_from_the_future';
    });
    const target = await newDatabase();
    await expect(restoreBackup({ file: copy, to: target })).rejects.toThrow(/9999_from_the_future/);
    const database = await open(target);
    try {
      expect(await tableFingerprints(database.db)).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('refuses a directory as the target of a PostgreSQL backup', async () => {
    await expect(restoreBackup({ file: dumpPath, to: path.join(work, 'a-dir') })).rejects.toThrow(
      /--to postgres:/,
    );
  });

  it('refuses a database that already has a table, in any schema, leaving it as it was', async () => {
    const target = await newDatabase();
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    await client.query(
      'create schema other; create table other.precious (id int); insert into other.precious values (1)',
    );
    await client.end();
    await expect(restoreBackup({ file: dumpPath, to: target })).rejects.toThrow(/already has 1 table/);
    const database = await open(target);
    try {
      expect(await tableFingerprints(database.db)).toEqual([
        expect.objectContaining({ table: 'other.precious', rows: 1 }),
      ]);
    } finally {
      await database.close();
    }
  });
});
