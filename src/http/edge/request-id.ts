import { randomUUID } from 'node:crypto';
import type { EdgeRequestHeaders } from './request-headers.js';

/** Incoming ids are accepted only if short and made of characters that are safe in logs and headers. */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The correlation id of a request: the caller's `x-correlation-id` or `x-request-id` when it is safe, so a
 * client's or proxy's id follows the request through our logs, otherwise a new UUID.
 */
export function requestIdOf(headers: EdgeRequestHeaders): string {
  const incoming = headers.correlationId ?? headers.requestId;
  return incoming !== null && SAFE_ID.test(incoming) ? incoming : randomUUID();
}
