import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request values that every log line and error of that request needs. */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The correlation id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
