import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { Env } from '../../config/env.js';
import { APP_VERSION, releaseOf } from '../../lib/app-version.js';
import type { Db } from '../client.js';
import {
  type BackupManifest,
  MANIFEST_FORMAT,
  MANIFEST_SUFFIX,
  type MigrationHead,
  manifestPathOf,
  readManifest,
  readMigrationHead,
  sha256File,
  writeManifest,
} from './manifest.js';
import { libpqEnv, runTool } from './tools.js';

export type BackupEnv = Pick<
  Env,
  'DATABASE_URL' | 'DATA_DIR' | 'BACKUP_DIR' | 'BACKUP_KEEP_COUNT' | 'BACKUP_KEEP_DAYS' | 'RELEASE'
>;

export interface BackupResult {
  dumpPath: string;
  manifestPath: string;
  manifest: BackupManifest;
  /** Dumps that retention removed (older backups in BACKUP_DIR). */
  removed: string[];
}

const FILE_PREFIX = 'linguamate-';

/**
 * Backs up the configured database into BACKUP_DIR: `pg_dump --format=custom` of DATABASE_URL, or, in
 * embedded mode, PGlite's data dir as a gzipped tarball. Writes the dump's SHA-256 and what it holds in
 * `<dump>.manifest.json` (written last: a dump without a manifest is an unfinished backup), then applies
 * retention. Embedded mode opens DATA_DIR itself: PGlite is single-process, so the server must be stopped
 * (refused while its postmaster.pid says the data dir is open).
 * Throws when the database has no migrations applied or a tool fails.
 */
export async function createBackup(env: BackupEnv, now = new Date()): Promise<BackupResult> {
  const directory = path.resolve(env.BACKUP_DIR);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const kind = env.DATABASE_URL ? 'postgres' : 'pglite';
  const dumpPath = path.join(
    directory,
    `${FILE_PREFIX}${kind}-${stamp}.${kind === 'postgres' ? 'dump' : 'tar.gz'}`,
  );
  const partial = `${dumpPath}.partial`;
  const taken = env.DATABASE_URL
    ? await dumpPostgres(env.DATABASE_URL, partial)
    : await dumpPglite(env.DATA_DIR, partial);
  await chmod(partial, 0o600);
  await rename(partial, dumpPath);

  const manifest: BackupManifest = {
    format: MANIFEST_FORMAT,
    app: { version: APP_VERSION, release: releaseOf(env) },
    createdAt: now.toISOString(),
    database: { kind, tool: taken.tool },
    migrationHead: taken.head,
    dump: {
      file: path.basename(dumpPath),
      sha256: await sha256File(dumpPath),
      bytes: (await stat(dumpPath)).size,
    },
  };
  const manifestPath = manifestPathOf(dumpPath);
  await writeManifest(manifestPath, manifest);
  const removed = await applyRetention(directory, dumpPath, env, now);
  return { dumpPath, manifestPath, manifest, removed };
}

async function dumpPostgres(url: string, file: string): Promise<{ tool: string; head: MigrationHead }> {
  // The head is read before the dump: a migration applied in between would be in the dump but not named
  // here, and restore would still find the dump's own bookkeeping table right.
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 10_000 });
  let head: MigrationHead;
  try {
    // Connect first: a refused connection is then reported as itself, not as a failed query.
    (await pool.connect()).release();
    head = await readMigrationHead(drizzlePg(pool) as unknown as Db);
  } finally {
    await pool.end();
  }
  const tool = (await runTool('pg_dump', ['--version'])).trim();
  await runTool('pg_dump', ['--format=custom', '--no-password', `--file=${file}`], libpqEnv(url));
  return { tool, head };
}

async function dumpPglite(dataDir: string, file: string): Promise<{ tool: string; head: MigrationHead }> {
  const directory = path.resolve(dataDir, 'pglite');
  if (!existsSync(path.join(directory, 'PG_VERSION'))) {
    throw new Error(`no embedded database in ${directory} (DATA_DIR): nothing to back up`);
  }
  // PGlite holds postmaster.pid while open and removes it on close: a second process on the same data
  // dir would corrupt it, so a backup never opens one that another process (the server) has open.
  if (existsSync(path.join(directory, 'postmaster.pid'))) {
    throw new Error(
      `the embedded database in ${directory} is open (postmaster.pid): stop the server first; if none runs, it was not closed cleanly: start and stop it once`,
    );
  }
  const client = await PGlite.create(directory);
  try {
    const head = await readMigrationHead(drizzlePglite(client) as unknown as Db);
    const [version] = (await client.query<{ version: string }>('select version()')).rows;
    const dump = await client.dumpDataDir('gzip');
    await writeFile(file, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    return { tool: `PGlite dumpDataDir (${version?.version.split(' on ')[0] ?? 'unknown'})`, head };
  } finally {
    await client.close();
  }
}

/**
 * Removes older backups beyond the newest BACKUP_KEEP_COUNT, and those older than BACKUP_KEEP_DAYS. Only
 * files with a readable manifest of ours are touched, and never the backup just taken.
 */
async function applyRetention(
  directory: string,
  current: string,
  env: BackupEnv,
  now: Date,
): Promise<string[]> {
  const backups: { dumpPath: string; createdAt: number }[] = [];
  for (const name of await readdir(directory)) {
    if (!name.startsWith(FILE_PREFIX) || !name.endsWith(MANIFEST_SUFFIX)) continue;
    const manifest = await readManifest(path.join(directory, name)).catch(() => null);
    if (!manifest) continue;
    backups.push({
      dumpPath: path.join(directory, manifest.dump.file),
      createdAt: Date.parse(manifest.createdAt),
    });
  }
  backups.sort((a, b) => b.createdAt - a.createdAt);
  const oldest = now.getTime() - env.BACKUP_KEEP_DAYS * 86_400_000;
  const removed: string[] = [];
  for (const [index, backup] of backups.entries()) {
    if (backup.dumpPath === current) continue;
    if (index < env.BACKUP_KEEP_COUNT && backup.createdAt >= oldest) continue;
    await rm(manifestPathOf(backup.dumpPath), { force: true });
    await rm(backup.dumpPath, { force: true });
    removed.push(backup.dumpPath);
  }
  return removed;
}
