import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../client.js';

/** One table's row count and a hash of its content, for comparing a database before and after restore. */
export interface TableFingerprint {
  table: string;
  rows: number;
  md5: string;
}

const SYSTEM_SCHEMAS = sql`n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Row count and content hash of every table in every non-system schema (the app's, drizzle's bookkeeping
 * and any other): the hash is md5 over the rows' text forms in sorted order, so it does not depend on
 * physical order. Reads every row: meant for drills and post-restore checks, not for a hot path.
 */
export async function tableFingerprints(db: Db): Promise<TableFingerprint[]> {
  const tables = await queryRows<{ schema: string; name: string }>(
    db,
    sql`select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and ${SYSTEM_SCHEMAS} order by 1, 2`,
  );
  const fingerprints: TableFingerprint[] = [];
  for (const { schema, name } of tables) {
    const table = `${quoteIdent(schema)}.${quoteIdent(name)}`;
    const [row] = await queryRows<{ rows: number; md5: string }>(
      db,
      sql.raw(
        `select count(*)::int as rows, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as md5 from ${table} t`,
      ),
    );
    fingerprints.push({ table: `${schema}.${name}`, rows: Number(row?.rows ?? 0), md5: row?.md5 ?? '' });
  }
  return fingerprints;
}

/** Number of tables, views, sequences… outside the system schemas: a restore target must have none. */
export async function countUserRelations(db: Db): Promise<number> {
  const [row] = await queryRows<{ count: number }>(
    db,
    sql`select count(*)::int as count from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and ${SYSTEM_SCHEMAS}`,
  );
  return Number(row?.count ?? 0);
}
