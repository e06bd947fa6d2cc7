/**
 * What an outbound call can fail with before the policy classifies it. Calls throw these (or let fetch's
 * own network errors through); `policy.ts` decides which are worth another attempt and what the client
 * is told.
 */

/** The provider answered with a status other than 2xx. Carries no body: bodies can echo our request. */
export class UpstreamHttpError extends Error {
  override readonly name = 'UpstreamHttpError';
  constructor(
    readonly status: number,
    /** From `Retry-After` on a 429 or 503, in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(`upstream answered ${status}`);
  }
}

/** The provider answered 2xx with something that is not what the protocol promises (bad JSON, shape). */
export class UpstreamProtocolError extends Error {
  override readonly name = 'UpstreamProtocolError';
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined if absent. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** An error of this response's status, with its Retry-After. The body is drained, never kept. */
export async function upstreamErrorOf(response: Response): Promise<UpstreamHttpError> {
  await response.body?.cancel().catch(() => undefined);
  return new UpstreamHttpError(response.status, parseRetryAfter(response.headers.get('retry-after')));
}

/**
 * Socket and fetch error codes of a connection that failed or broke: worth another attempt. Not ENOTFOUND:
 * a name that does not exist will not exist on retry either.
 */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** fetch's "the connection failed": a TypeError whose cause (or itself) carries a socket error code. */
export function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
  return error instanceof TypeError && /fetch failed|terminated|other side closed/i.test(error.message);
}
