import { AppError } from '../lib/errors.js';
import { requestContext } from '../lib/request-context.js';
import { translateDatabaseError } from './errors.js';

type RunTransaction = (work: (tx: unknown) => Promise<unknown>, config?: unknown) => Promise<unknown>;

/**
 * Guards every transaction of a database handle, where errors leave the data layer:
 *
 * - A refusal the client's input caused (a constraint, a value too long) leaves as a 4xx AppError naming
 *   the field (db/errors.ts), so a service sees a typed error rather than a driver's.
 * - A request that has run past its deadline has its transactions rolled back: one begun after the
 *   deadline is refused, and one running when it passed rolls back instead of committing. The client
 *   already has its 504; this keeps the abandoned request from committing more. Single statements run
 *   outside a transaction are atomic but not stopped, nor is a commit already under way when the deadline
 *   passed. Outside a request (jobs, CLIs) only the error translation applies.
 */
export function guardTransactions<D extends { transaction: unknown }>(db: D): D {
  const transaction = (db.transaction as RunTransaction).bind(db);
  const guarded: RunTransaction = async (work, config) => {
    try {
      return await transaction(async (tx) => {
        throwIfPastDeadline();
        const result = await work(tx);
        throwIfPastDeadline();
        return result;
      }, config);
    } catch (error) {
      throw translateDatabaseError(error);
    }
  };
  db.transaction = guarded as D['transaction'];
  return db;
}

function throwIfPastDeadline(): void {
  if (requestContext.getStore()?.pastDeadline)
    throw new AppError('TIMEOUT', 'The request ran past its deadline; its changes were rolled back');
}
