import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { Logger } from '../lib/logger.js';
import type { PoolStats } from '../lib/metrics.js';
import { guardTransactions } from './guard.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;

/** The one database type the code uses, whether PostgreSQL or embedded PGlite sits behind it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** A transaction handle has the same query surface as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  readonly db: Db;
  readonly kind: 'postgres' | 'pglite';
  ping(): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}

export interface PostgresOptions {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
  connectRetries: number;
  log: Logger;
  applicationName?: string;
}

/**
 * Opens a `pg` pool and proves it works, retrying with exponential backoff so the service can start while
 * the database is still coming up (a common race in orchestrated deployments).
 */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    statement_timeout: options.statementTimeoutMs,
    idle_in_transaction_session_timeout: options.statementTimeoutMs * 2,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'linguamate-api',
  });
  // An idle client that loses its connection emits here; without a listener the process would crash.
  pool.on('error', (error) => options.log.warn({ err: error }, 'idle postgres client error'));

  await retryWithBackoff(
    async () => {
      const client = await pool.connect();
      client.release();
    },
    options.connectRetries,
    (attempt, delayMs, error) =>
      options.log.warn({ attempt, delayMs, err: error }, 'postgres not reachable yet, retrying'),
  ).catch(async (error: unknown) => {
    await pool.end().catch(() => undefined);
    throw error;
  });

  const db = guardTransactions(drizzlePg(pool, { schema }) as unknown as Db);
  return {
    db,
    kind: 'postgres',
    ping: () => ping(db),
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: options.poolMax,
    }),
    close: () => pool.end(),
  };
}

/**
 * Opens (or creates) the embedded PGlite database under `dataDir`, or an in-memory one when `dataDir` is
 * null (tests). PGlite is a single connection inside this process: one instance only.
 */
export async function openPglite(dataDir: string | null): Promise<Database> {
  let client: PGlite;
  if (dataDir === null) {
    client = await PGlite.create();
  } else {
    const directory = path.resolve(dataDir, 'pglite');
    await mkdir(directory, { recursive: true });
    client = await PGlite.create(directory);
  }
  const db = guardTransactions(drizzlePglite(client, { schema }) as unknown as Db);
  return {
    db,
    kind: 'pglite',
    ping: () => ping(db),
    poolStats: () => ({ total: 1, idle: client.closed ? 0 : 1, waiting: 0, max: 1 }),
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

async function retryWithBackoff(
  attempt: () => Promise<void>,
  retries: number,
  onRetry: (attempt: number, delayMs: number, error: unknown) => void,
): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= retries) throw error;
      const delayMs = Math.min(250 * 2 ** tries, 8_000) * (0.5 + Math.random() / 2);
      onRetry(tries + 1, Math.round(delayMs), error);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** Runs raw SQL and returns its rows; both drivers answer with `{ rows }`. */
export async function queryRows<T>(db: Db | Tx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
