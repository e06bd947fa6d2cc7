import { AppError } from '../errors.js';

/** What a client is told to wait when a request needed the shared store and it was down. */
const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * The shared store (Redis) could not answer: the connection is down, reconnecting, or a command timed
 * out. Callers that can work without the store catch it (`isStoreUnavailable`) and degrade; anywhere else
 * it reaches the client as a typed 503 with `Retry-After`, never a 500.
 */
export class StoreUnavailableError extends AppError {
  constructor(cause?: unknown) {
    super('SERVICE_UNAVAILABLE', 'A dependency is temporarily unavailable; try again shortly', {
      cause,
      retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
    });
  }
}

export const isStoreUnavailable = (error: unknown): error is StoreUnavailableError =>
  error instanceof StoreUnavailableError;

/**
 * Whether the shared store is reachable now, as its connection reports it, and who wants to hear when
 * that changes (metrics, and the modules that repair what an outage left behind once it is back).
 */
export interface StoreAvailability {
  readonly up: boolean;
  /** When the store was lost (or, never reached yet, when connecting began); null while up. */
  readonly downSince: Date | null;
  /** Calls `listener` on every change; returns the function that stops it. */
  onChange(listener: (up: boolean) => void): () => void;
}

/** The in-process store is as available as the process itself. */
export const ALWAYS_UP: StoreAvailability = {
  up: true,
  downSince: null,
  onChange: () => () => undefined,
};
