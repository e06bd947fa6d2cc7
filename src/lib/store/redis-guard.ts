import { type Redis, ReplyError } from 'ioredis';
import { StoreUnavailableError } from './availability.js';

/**
 * Runs one store operation on `redis`. While the connection is not ready it is refused at once (no
 * command waits on a dead Redis); a connection fault or a command timeout becomes StoreUnavailableError.
 * Redis's own error replies (a wrong command: a bug, not an outage) pass through unchanged.
 */
export async function guarded<T>(redis: Redis, work: () => Promise<T>): Promise<T> {
  if (redis.status !== 'ready')
    throw new StoreUnavailableError(new Error(`redis connection ${redis.status}`));
  try {
    return await work();
  } catch (error) {
    if (error instanceof ReplyError) throw error;
    throw new StoreUnavailableError(error);
  }
}
