import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { Db } from '../client.js';
import { type BackupManifest, backupPaths, knownMigration, readManifest, sha256File } from './manifest.js';
import { describeTarget, libpqEnv, runTool } from './tools.js';
import { countUserRelations, type TableFingerprint, tableFingerprints } from './verify.js';

export interface RestoreOptions {
  /** The dump or its manifest. */
  file: string;
  /** A postgres:// URL for a PostgreSQL backup, or a new DATA_DIR for an embedded one. */
  to: string;
}

export interface RestoreResult {
  manifest: BackupManifest;
  migration: string;
  /** `database x on host:port` or the data dir: never a URL. */
  target: string;
  tables: TableFingerprint[];
}

/**
 * Restores a backup made by `createBackup`. Before touching the target it checks the dump against the
 * manifest's SHA-256 and size, and that the manifest's migration head is one this code's journal knows
 * (same tag time and hash). A PostgreSQL dump goes into an empty database with
 * `pg_restore --no-owner --exit-on-error --single-transaction`; an embedded one into a new data dir (its
 * `pglite/` folder, as the server opens DATA_DIR). Refuses a database with any table, view or sequence
 * outside the system schemas, and a data dir that is not empty. Answers each restored table's fingerprint.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const { manifestPath } = backupPaths(options.file);
  const manifest = await readManifest(manifestPath);
  const dumpPath = path.join(path.dirname(manifestPath), manifest.dump.file);
  const migration = await verifyBackup(manifest, dumpPath);
  if (manifest.database.kind === 'postgres') {
    if (!/^postgres(ql)?:\/\//.test(options.to)) {
      throw new Error('a PostgreSQL backup restores into a database: --to postgres://…');
    }
    const tables = await restorePostgres(dumpPath, options.to);
    return { manifest, migration, target: describeTarget(options.to), tables };
  }
  if (/^\w+:\/\//.test(options.to)) {
    throw new Error('an embedded backup restores into a new data dir: --to-data-dir <dir>');
  }
  const dataDir = path.resolve(options.to);
  const tables = await restorePglite(dumpPath, dataDir);
  return { manifest, migration, target: dataDir, tables };
}

/** Checksum, size and migration head; answers the migration's tag. Throws without touching anything. */
export async function verifyBackup(manifest: BackupManifest, dumpPath: string): Promise<string> {
  if (!existsSync(dumpPath)) throw new Error(`the dump ${dumpPath} named by the manifest is missing`);
  const [sha256, { size }] = await Promise.all([sha256File(dumpPath), stat(dumpPath)]);
  if (sha256 !== manifest.dump.sha256 || size !== manifest.dump.bytes) {
    throw new Error(
      `checksum mismatch: ${path.basename(dumpPath)} is not the dump its manifest describes (damaged or altered); nothing was restored`,
    );
  }
  const head = manifest.migrationHead;
  const known = knownMigration(head.createdAt, head.hash);
  if (!known) {
    throw new Error(
      `the backup's migration head ${head.tag ?? head.createdAt} is not one this release knows (drizzle/meta/_journal.json): restore with the release that took it; nothing was restored`,
    );
  }
  return known.tag;
}

async function restorePostgres(dumpPath: string, url: string): Promise<TableFingerprint[]> {
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 10_000 });
  try {
    const db = drizzlePg(pool) as unknown as Db;
    const relations = await countUserRelations(db);
    if (relations > 0) {
      throw new Error(
        `refusing to restore into ${describeTarget(url)}: it already has ${relations} table(s), view(s) or sequence(s); restore into a new, empty database`,
      );
    }
    const env = libpqEnv(url);
    await runTool(
      'pg_restore',
      [
        '--no-owner',
        '--exit-on-error',
        '--single-transaction',
        '--no-password',
        `--dbname=${env.PGDATABASE ?? 'postgres'}`,
        dumpPath,
      ],
      env,
    );
    return await tableFingerprints(db);
  } finally {
    await pool.end();
  }
}

async function restorePglite(dumpPath: string, dataDir: string): Promise<TableFingerprint[]> {
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
    throw new Error(`refusing to restore into ${dataDir}: the directory is not empty; name a new data dir`);
  }
  const directory = path.join(dataDir, 'pglite');
  await mkdir(directory, { recursive: true });
  const client = await PGlite.create(directory, {
    loadDataDir: new Blob([await readFile(dumpPath)]),
  });
  try {
    return await tableFingerprints(drizzlePglite(client) as unknown as Db);
  } finally {
    await client.close();
  }
}
