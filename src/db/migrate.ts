import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { type MigrationMeta, readMigrationFiles } from 'drizzle-orm/migrator';
import type { Logger } from '../lib/logger.js';
import { projectRoot } from '../lib/project-root.js';
import { type Db, queryRows, type Tx } from './client.js';

export const MIGRATIONS_FOLDER = path.join(projectRoot, 'drizzle');

/** Advisory-lock keys. Every instance uses the same numbers so they exclude each other. */
export const ADVISORY_LOCKS = { migrate: 727_100_001, seed: 727_100_002 } as const;

/**
 * Runs `work` in a transaction that first takes a transaction-scoped advisory lock. The lock is released
 * with the transaction, so it holds behind a transaction-pooling PgBouncer and can never leak.
 */
export async function withAdvisoryLock<T>(db: Db, key: number, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${key})`);
    return work(tx);
  });
}

// The same bookkeeping table as drizzle-kit's migrator, so `drizzle-kit migrate` and this agree.
const MIGRATIONS_TABLE = sql`drizzle.__drizzle_migrations`;

export interface MigrationResult {
  applied: string[];
  total: number;
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so several instances starting at
 * once serialise: the first applies, the others find nothing left to do. Drizzle's own migrator creates its
 * bookkeeping table outside any lock and races; this one does everything inside the lock.
 */
export async function runMigrations(
  db: Db,
  log: Logger,
  folder = MIGRATIONS_FOLDER,
): Promise<MigrationResult> {
  const migrations = loadMigrations(folder);
  const applied = await withAdvisoryLock(db, ADVISORY_LOCKS.migrate, async (tx) => {
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(
      sql`create table if not exists ${MIGRATIONS_TABLE} (id serial primary key, hash text not null, created_at bigint)`,
    );
    const pending = await pendingAfter(tx, migrations);
    for (const migration of pending) {
      for (const statement of migration.sql) {
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.execute(
        sql`insert into ${MIGRATIONS_TABLE} (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`,
      );
    }
    return pending;
  });
  const names = applied.map((migration) => migration.tag);
  if (names.length > 0) log.info({ migrations: names }, `applied ${names.length} migration(s)`);
  return { applied: names, total: migrations.length };
}

/** Number of committed migrations not yet applied to this database (readiness reports it). */
export async function countPendingMigrations(db: Db | Tx, folder = MIGRATIONS_FOLDER): Promise<number> {
  const migrations = loadMigrations(folder);
  const [table] = await queryRows<{ present: boolean }>(
    db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!table?.present) return migrations.length;
  return (await pendingAfter(db, migrations)).length;
}

async function pendingAfter(db: Db | Tx, migrations: Migration[]): Promise<Migration[]> {
  const [last] = await queryRows<{ created_at: string | number | null }>(
    db,
    sql`select created_at from ${MIGRATIONS_TABLE} order by created_at desc limit 1`,
  );
  const lastMillis = Number(last?.created_at ?? -1);
  return migrations.filter((migration) => migration.folderMillis > lastMillis);
}

interface Migration extends MigrationMeta {
  tag: string;
}

const loaded = new Map<string, Migration[]>();

/** Reads the committed migrations once per process: they cannot change while it runs. */
function loadMigrations(folder: string): Migration[] {
  let migrations = loaded.get(folder);
  if (!migrations) {
    const journal = JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
      entries: { tag: string; when: number }[];
    };
    const tags = new Map(journal.entries.map((entry) => [entry.when, entry.tag]));
    migrations = readMigrationFiles({ migrationsFolder: folder }).map((meta) => ({
      ...meta,
      tag: tags.get(meta.folderMillis) ?? String(meta.folderMillis),
    }));
    loaded.set(folder, migrations);
  }
  return migrations;
}
