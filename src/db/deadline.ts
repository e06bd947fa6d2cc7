import { AppError } from '../lib/errors.js';
import { requestContext } from '../lib/request-context.js';
import type { Db } from './client.js';

/**
 * Makes the transactions of a request that has run past its deadline roll back: one begun after the
 * deadline is refused, and one that was running when it passed is rolled back instead of committed. The
 * client already has its 504; this keeps the abandoned request from committing more, so nothing is left
 * half-written. Single statements run outside a transaction (a quota count, some audit rows) are atomic
 * but not stopped, nor is a commit already under way when the deadline passed. Outside a request (jobs,
 * CLIs) it changes nothing.
 */
export function rollBackPastDeadline(db: Db): Db {
  const transaction = db.transaction.bind(db);
  db.transaction = ((work, config) =>
    transaction(async (tx) => {
      throwIfPastDeadline();
      const result = await work(tx);
      throwIfPastDeadline();
      return result;
    }, config)) as Db['transaction'];
  return db;
}

function throwIfPastDeadline(): void {
  if (requestContext.getStore()?.pastDeadline)
    throw new AppError('TIMEOUT', 'The request ran past its deadline; its changes were rolled back');
}
