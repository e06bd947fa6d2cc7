import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { type Db, queryRows } from '../client.js';
import { MIGRATIONS_FOLDER } from '../migrate.js';

export const MANIFEST_FORMAT = 1;
export const MANIFEST_SUFFIX = '.manifest.json';

/** The latest migration applied to a database, as drizzle's bookkeeping table records it. */
export interface MigrationHead {
  /** The journal tag (`0012_jobs`), or null when this code's journal does not know the migration. */
  tag: string | null;
  /** Drizzle's `created_at`: the journal entry's `when`. */
  createdAt: number;
  hash: string;
}

/** What a backup is, written beside its dump as `<dump>.manifest.json`. */
export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  app: { version: string; release: string };
  createdAt: string;
  database: { kind: 'postgres' | 'pglite'; tool: string };
  migrationHead: MigrationHead;
  dump: { file: string; sha256: string; bytes: number };
}

export const manifestPathOf = (dumpPath: string): string => `${dumpPath}${MANIFEST_SUFFIX}`;

/** A backup named either by its dump or by its manifest: both paths. */
export function backupPaths(file: string): { dumpPath: string; manifestPath: string } {
  const dumpPath = file.endsWith(MANIFEST_SUFFIX) ? file.slice(0, -MANIFEST_SUFFIX.length) : file;
  return { dumpPath, manifestPath: manifestPathOf(dumpPath) };
}

/** SHA-256 of a file, streamed (dumps can be large). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function writeManifest(file: string, manifest: BackupManifest): Promise<void> {
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
}

/** Reads a manifest and checks its shape; throws a one-line Error naming the problem. */
export async function readManifest(file: string): Promise<BackupManifest> {
  let parsed: Partial<BackupManifest>;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<BackupManifest>;
  } catch (error) {
    throw new Error(`cannot read the backup manifest ${file}: ${(error as Error).message}`);
  }
  if (parsed.format !== MANIFEST_FORMAT) {
    throw new Error(`unsupported backup manifest format ${String(parsed.format)} in ${file}`);
  }
  const head = parsed.migrationHead;
  if (
    !parsed.dump?.file ||
    !/^[0-9a-f]{64}$/.test(parsed.dump.sha256 ?? '') ||
    (parsed.database?.kind !== 'postgres' && parsed.database?.kind !== 'pglite') ||
    typeof head?.createdAt !== 'number' ||
    typeof head.hash !== 'string'
  ) {
    throw new Error(`incomplete backup manifest ${file}`);
  }
  return parsed as BackupManifest;
}

/** The latest applied migration of `db`, named by this code's journal when it knows it. */
export async function readMigrationHead(db: Db, folder = MIGRATIONS_FOLDER): Promise<MigrationHead> {
  const [present] = await queryRows<{ present: boolean }>(
    db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!present?.present) throw new Error('the database has no migrations applied: nothing worth backing up');
  const [last] = await queryRows<{ hash: string; created_at: string | number }>(
    db,
    sql`select hash, created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
  );
  if (!last) throw new Error('the database has no migrations applied: nothing worth backing up');
  const createdAt = Number(last.created_at);
  return { tag: knownMigration(createdAt, last.hash, folder)?.tag ?? null, createdAt, hash: last.hash };
}

/**
 * The journal migration a head points at, or null when this code does not know it (a backup taken by a
 * newer release, or a migration edited after it landed: the hash differs).
 */
export function knownMigration(
  createdAt: number,
  hash: string,
  folder = MIGRATIONS_FOLDER,
): { tag: string } | null {
  const journal = JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  const entry = journal.entries.find((candidate) => candidate.when === createdAt);
  if (!entry) return null;
  const file = readMigrationFiles({ migrationsFolder: folder }).find(
    (meta) => meta.folderMillis === createdAt,
  );
  return file?.hash === hash ? { tag: entry.tag } : null;
}
