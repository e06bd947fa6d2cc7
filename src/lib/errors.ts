import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';

/**
 * The closed list of error codes the API answers with. Each maps once, here, to an HTTP status and a
 * tRPC code; nothing else in the code base decides a status. A code that `refines` another is a more
 * specific reason for the same status: errors raised by the frameworks, which only know a status, get
 * the general code.
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, trpc: 'BAD_REQUEST' },
  VALIDATION_ERROR: { status: 400, trpc: 'BAD_REQUEST', refines: 'BAD_REQUEST' },
  /** A signed request whose timestamp is too far from the server's clock (a replay, or a wrong clock). */
  CLOCK_SKEW: { status: 400, trpc: 'BAD_REQUEST', refines: 'BAD_REQUEST' },
  UNAUTHORIZED: { status: 401, trpc: 'UNAUTHORIZED' },
  /** A refresh token replayed within the grace window after its rotation: retry with the newer one. */
  TOKEN_ROTATED: { status: 401, trpc: 'UNAUTHORIZED', refines: 'UNAUTHORIZED' },
  FORBIDDEN: { status: 403, trpc: 'FORBIDDEN' },
  NOT_FOUND: { status: 404, trpc: 'NOT_FOUND' },
  METHOD_NOT_ALLOWED: { status: 405, trpc: 'METHOD_NOT_SUPPORTED' },
  CONFLICT: { status: 409, trpc: 'CONFLICT' },
  PRECONDITION_FAILED: { status: 412, trpc: 'PRECONDITION_FAILED' },
  PAYLOAD_TOO_LARGE: { status: 413, trpc: 'PAYLOAD_TOO_LARGE' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, trpc: 'UNSUPPORTED_MEDIA_TYPE' },
  RATE_LIMITED: { status: 429, trpc: 'TOO_MANY_REQUESTS' },
  /** Sign-ins from this client to this account are paused after repeated failures. */
  ACCOUNT_LOCKED: { status: 429, trpc: 'TOO_MANY_REQUESTS', refines: 'RATE_LIMITED' },
  INTERNAL: { status: 500, trpc: 'INTERNAL_SERVER_ERROR' },
  UPSTREAM_ERROR: { status: 502, trpc: 'BAD_GATEWAY' },
  SERVICE_UNAVAILABLE: { status: 503, trpc: 'SERVICE_UNAVAILABLE' },
  TIMEOUT: { status: 504, trpc: 'GATEWAY_TIMEOUT' },
} as const satisfies Record<string, { status: number; trpc: TRPC_ERROR_CODE_KEY; refines?: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The general code of each status, for errors that only carry a status (HTTP exceptions, tRPC codes). */
export const CODE_BY_STATUS: ReadonlyMap<number, ErrorCode> = new Map(
  (Object.entries(ERROR_CODES) as [ErrorCode, { status: number; refines?: string }][])
    .filter(([, entry]) => entry.refines === undefined)
    .map(([code, entry]) => [entry.status, code]),
);

/**
 * Answers with these statuses tell the client when to come back (RFC 9110 §10.2.3): a client that retries
 * at once would only make an overload or a lock worse.
 */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/** The wait announced for a 429 or 503 whose cause does not know a better one. */
export const DEFAULT_RETRY_AFTER_SECONDS = 10;

/** Whole seconds for the `Retry-After` of an answer with `status`; undefined when it takes none. */
export function retryAfterFor(status: number, seconds?: number): number | undefined {
  if (!RETRY_AFTER_STATUSES.has(status)) return undefined;
  return Math.max(1, Math.ceil(seconds ?? DEFAULT_RETRY_AFTER_SECONDS));
}

/** One field problem of a rejected input. */
export interface FieldIssue {
  path: string;
  message: string;
  code: string;
}

/** What every error response carries, tRPC or plain HTTP. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  requestId: string;
  /** The W3C trace id of the request: find its spans and log lines by it. */
  traceId: string;
  issues?: FieldIssue[];
}

export const INTERNAL_MESSAGE = 'Internal error';

export interface AppErrorOptions {
  cause?: unknown;
  issues?: FieldIssue[];
  /** For 429 and 503: when the client may try again. */
  retryAfterSeconds?: number;
}

/** The only error type thrown below the routers. The message is for the client: never put a secret in it. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly issues: FieldIssue[] | undefined;
  readonly #retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options?: AppErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options?.issues;
    this.#retryAfterSeconds = options?.retryAfterSeconds;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  /** Seconds for `Retry-After`: set for every 429 and 503, undefined for other statuses. */
  get retryAfterSeconds(): number | undefined {
    return retryAfterFor(this.status, this.#retryAfterSeconds);
  }

  get trpcCode(): TRPC_ERROR_CODE_KEY {
    return ERROR_CODES[this.code].trpc;
  }
}

/**
 * Reverse map for errors that originate in tRPC itself (unknown procedure, bad JSON, Zod input…): the
 * general code of each tRPC code, plus the two tRPC codes that have no row of their own.
 */
const FROM_TRPC: ReadonlyMap<TRPC_ERROR_CODE_KEY, ErrorCode> = new Map<TRPC_ERROR_CODE_KEY, ErrorCode>([
  ...(Object.entries(ERROR_CODES) as [ErrorCode, { trpc: TRPC_ERROR_CODE_KEY; refines?: string }][])
    .filter(([, entry]) => entry.refines === undefined)
    .map(([code, entry]) => [entry.trpc, code] as const),
  ['PARSE_ERROR', 'BAD_REQUEST'],
  ['TIMEOUT', 'TIMEOUT'],
]);

export function errorCodeFromTrpc(code: TRPC_ERROR_CODE_KEY): ErrorCode {
  return FROM_TRPC.get(code) ?? 'INTERNAL';
}

/** Zod-like issue list to our field issues (Zod 3 and 4 share this shape). */
export function toFieldIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code: string }>) {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
}
