import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db, Tx } from './client.js';

type Reads<T extends readonly unknown[]> = { readonly [K in keyof T]: () => Promise<T[K]> };

/**
 * Runs independent reads: together on the pool, where each takes its own connection, and one after the
 * other inside a transaction. A transaction holds one connection, which answers one query at a time
 * anyway, and node-postgres deprecates (pg 9 refuses) a query sent while another is running on it.
 */
export async function readAll<T extends readonly unknown[]>(db: Db | Tx, reads: Reads<T>): Promise<T> {
  let results: unknown[];
  if (db instanceof PgTransaction) {
    results = [];
    for (const read of reads) results.push(await read());
  } else {
    results = await Promise.all(reads.map((read) => read()));
  }
  return results as unknown as T;
}
