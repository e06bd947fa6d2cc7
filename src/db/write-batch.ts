import { type SQLWrapper, sql } from 'drizzle-orm';
import type { Tx } from './client.js';

/**
 * Independent writes of one transaction, sent as one statement when flushed: all but the last become
 * data-modifying CTEs (`with w0 as (insert ...), w1 as (update ...) update ...`), which PostgreSQL runs
 * in full whether or not anything reads them. A round trip is most of what a small write costs, so a
 * transaction that ends with five of them pays for one.
 *
 * The writes run against one snapshot and in no set order, so a batch may hold writes only when none
 * needs another's effect or result and no two touch the same row; a write whose result is needed
 * (`returning`) is run on its own instead. Nothing is sent before `flush`: the builders drizzle returns
 * are lazy until awaited or flushed.
 */
export class WriteBatch {
  readonly #tx: Tx;
  readonly #writes: SQLWrapper[] = [];

  constructor(tx: Tx) {
    this.#tx = tx;
  }

  /** Queues a write (a drizzle insert, update or delete builder, or raw SQL). */
  add(write: SQLWrapper | null): void {
    if (write) this.#writes.push(write);
  }

  /** Runs what is queued, in one statement, and empties the batch. */
  async flush(): Promise<void> {
    const writes = this.#writes.splice(0);
    const last = writes.pop();
    if (!last) return;
    if (writes.length === 0) {
      await this.#tx.execute(last.getSQL());
      return;
    }
    const ctes = writes.map((write, index) => sql`${sql.identifier(`w${index}`)} as (${write.getSQL()})`);
    await this.#tx.execute(sql`with ${sql.join(ctes, sql`, `)} ${last.getSQL()}`);
  }
}
