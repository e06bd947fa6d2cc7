import { AsyncLocalStorage } from 'node:async_hooks';
import type { RateLimitState } from './rate-limit/state.js';

/** Per-request values that every log line and error of that request needs. */
export interface RequestContext {
  requestId: string;
  /** This request's tightest rate-limit decision, once tRPC has created the holder for it. */
  rateLimit?: RateLimitState;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The correlation id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
