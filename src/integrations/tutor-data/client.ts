import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import {
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  decorrelatedJitterGenerator,
  ExponentialBackoff,
  handleWhen,
  isBrokenCircuitError,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../../lib/logger.js';
import { NETWORK_ERROR_CODES } from '../outbound/errors.js';
import { type AddressPolicy, publicAddressesOnly } from './address-policy.js';
import { type HopResult, type PinnedTarget, requestOnce } from './http-request.js';
import type { FetchFailure, FetchOutcome, TutorDataSource, TutorFetchRequest } from './types.js';
import { type AllowedUrl, checkUrl } from './url-policy.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a host name resolves to. Rejects when it resolves to none. */
export type ResolveHost = (host: string) => Promise<ResolvedAddress[]>;

export interface TutorDataClientOptions {
  /** Normalised host names and `*.suffix` patterns; empty refuses every URL. */
  allowedHosts: readonly string[];
  /** Largest body read; a larger answer is refused. */
  maxBytes: number;
  /** Upper bound of any fetch's budget (redirects, retries and backoff included). At most 30 s. */
  maxTimeoutMs: number;
  log: Logger;
  /** How host names are resolved. Default: the system resolver (`dns.lookup`, every address). */
  resolve?: ResolveHost;
  /** Which resolved addresses may be connected to. Default: public addresses only. */
  addressPolicy?: AddressPolicy;
  /** Redirects followed, each checked like the first URL. Default 5. */
  maxRedirects?: number;
  /** Retries after the first attempt, for network errors and 5xx only. Default 3. */
  retries?: number;
  /** Exponential backoff with jitter between retries. Default 100 ms initial, 2 s cap. */
  backoff?: { initialDelayMs: number; maxDelayMs: number };
  /** Per origin: opens after this many consecutive failed attempts, half-opens after a pause. */
  breaker?: { consecutiveFailures: number; halfOpenAfterMs: number };
}

const HARD_TIMEOUT_CAP_MS = 30_000;

export const systemResolver: ResolveHost = async (host) =>
  (await lookup(host, { all: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/**
 * The outbound fetcher behind `tutorData.*`, safe by design. A URL is fetched only when its scheme is
 * http(s), its host is on the allowlist and every address the host resolves to is public; the connection
 * then goes to the address that was checked. Redirects are followed by hand (at most `maxRedirects`), each
 * one checked the same way. Each fetch has one budget (at most 30 s) covering redirects, retries (network
 * errors and 5xx, exponential backoff with jitter) and every attempt's timeout; each origin has a circuit
 * breaker. Never rejects: every failure is a `FetchOutcome`.
 */
export function createTutorDataClient(options: TutorDataClientOptions): TutorDataSource {
  const log = options.log;
  const resolve = options.resolve ?? systemResolver;
  const addressPolicy = options.addressPolicy ?? publicAddressesOnly;
  const maxRedirects = options.maxRedirects ?? 5;
  const maxTimeoutMs = Math.min(options.maxTimeoutMs, HARD_TIMEOUT_CAP_MS);
  const backoff = options.backoff ?? { initialDelayMs: 100, maxDelayMs: 2_000 };
  const breakerOptions = options.breaker ?? { consecutiveFailures: 5, halfOpenAfterMs: 30_000 };

  const retryPolicy = retry(handleWhen(isRetryable).orWhenResult(isServerError), {
    maxAttempts: options.retries ?? 3,
    backoff: new ExponentialBackoff({
      initialDelay: backoff.initialDelayMs,
      maxDelay: backoff.maxDelayMs,
      generator: decorrelatedJitterGenerator,
    }),
  });
  retryPolicy.onRetry((event) => {
    const reason =
      'error' in event
        ? codeOf(event.error)
        : `status ${(event.value as HopResult & { status?: number }).status}`;
    log.warn({ attempt: event.attempt, delayMs: Math.round(event.delay), reason }, 'tutor data fetch retry');
  });

  // One breaker per origin: one source being down must not stop fetches from the others.
  const breakers = new LRUCache<string, CircuitBreakerPolicy>({ max: 256 });
  const breakerOf = (origin: string) => {
    let breaker = breakers.get(origin);
    if (!breaker) {
      breaker = circuitBreaker(
        handleWhen((error) => !isBrokenCircuitError(error)).orWhenResult(isServerError),
        {
          breaker: new ConsecutiveBreaker(breakerOptions.consecutiveFailures),
          halfOpenAfter: breakerOptions.halfOpenAfterMs,
        },
      );
      breaker.onBreak(() => log.error({ origin }, 'tutor data circuit opened: fetches fail fast'));
      breaker.onReset(() => log.info({ origin }, 'tutor data circuit closed'));
      breakers.set(origin, breaker);
    }
    return breaker;
  };

  /** Resolves and checks the host, or says why not. The first checked address is the one connected to. */
  const pin = async (target: AllowedUrl, signal: AbortSignal): Promise<PinnedTarget | FetchFailure> => {
    const literal = isIP(target.host);
    let addresses: ResolvedAddress[];
    try {
      addresses = literal
        ? [{ address: target.host, family: literal === 6 ? 6 : 4 }]
        : await untilAborted(resolve(target.host), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      return { kind: 'network', message: `Could not resolve host ${target.host}`, status: 0 };
    }
    if (addresses.length === 0) {
      return { kind: 'network', message: `Could not resolve host ${target.host}`, status: 0 };
    }
    for (const { address } of addresses) {
      const refused = addressPolicy(address);
      if (refused) {
        const what = literal ? `Address ${target.host} is` : `Host ${target.host} resolves to`;
        return { kind: 'refused', message: `${what} a ${refused} address` };
      }
    }
    return { ...target, ...addresses[0]! };
  };

  const follow = async (url: string, signal: AbortSignal, deadline: number): Promise<FetchOutcome> => {
    let location = url;
    let base: URL | undefined;
    for (let redirects = 0; ; redirects++) {
      const verdict = checkUrl(location, options.allowedHosts, base);
      if (!verdict.ok) return failed({ kind: 'refused', message: verdict.message });
      const pinned = await pin(verdict.target, signal);
      if ('kind' in pinned) return failed(pinned);

      const attemptTimeout = timeout(Math.max(1, deadline - Date.now()), {
        strategy: TimeoutStrategy.Aggressive,
        abortOnReturn: true,
      });
      let result: HopResult;
      try {
        result = await wrap(retryPolicy, breakerOf(pinned.url.origin), attemptTimeout).execute(
          ({ signal: attemptSignal }) =>
            requestOnce(pinned, { maxBytes: options.maxBytes, signal: attemptSignal }),
          signal,
        );
      } catch (error) {
        if (isBrokenCircuitError(error)) {
          return failed({ kind: 'unavailable', message: `${pinned.host} is temporarily unavailable` });
        }
        throw error;
      }

      switch (result.type) {
        case 'redirect':
          if (redirects >= maxRedirects) return failed({ kind: 'refused', message: 'Too many redirects' });
          base = pinned.url;
          location = result.location;
          continue;
        case 'document':
          return {
            ok: true,
            document: {
              url: pinned.url.href,
              status: result.status,
              contentType: result.contentType,
              body: result.body,
            },
          };
        case 'status':
          return failed({ kind: 'status', message: `HTTP ${result.status}`, status: result.status });
        case 'too_large':
          return failed({ kind: 'too_large', message: `Response larger than ${options.maxBytes} bytes` });
        case 'bad_response':
          return failed({ kind: 'bad_response', message: result.message });
      }
    }
  };

  const failed = (failure: FetchFailure): FetchOutcome => ({ ok: false, failure });

  return {
    async fetch(request: TutorFetchRequest): Promise<FetchOutcome> {
      const budgetMs = Math.max(1, Math.min(request.timeoutMs, maxTimeoutMs));
      const signals = [AbortSignal.timeout(budgetMs), ...(request.signal ? [request.signal] : [])];
      const signal = AbortSignal.any(signals);
      const started = Date.now();
      let outcome: FetchOutcome;
      try {
        outcome = await follow(request.url, signal, started + budgetMs);
      } catch (error) {
        outcome = failed(
          signal.aborted || isCancellation(error)
            ? { kind: 'timeout', message: 'Request timeout', status: 408 }
            : { kind: 'network', message: `Network error (${codeOf(error)})`, status: 0 },
        );
      }
      logOutcome(log, request.url, outcome, Date.now() - started);
      return outcome;
    },
  };
}

/** Host, outcome and size only: a URL's path and query may carry tokens, and bodies are never logged. */
function logOutcome(log: Logger, url: string, outcome: FetchOutcome, ms: number): void {
  const host = safeHost(url);
  if (outcome.ok) {
    log.debug(
      { host, status: outcome.document.status, bytes: outcome.document.body.length, ms },
      'tutor data fetched',
    );
  } else if (outcome.failure.kind === 'refused') {
    log.warn({ host, reason: outcome.failure.message }, 'tutor data fetch refused');
  } else {
    log.info(
      { host, kind: outcome.failure.kind, status: outcome.failure.status, ms },
      'tutor data fetch failed',
    );
  }
}

function safeHost(url: string): string | null {
  try {
    return new URL(url).host.slice(0, 256);
  } catch {
    return null;
  }
}

/** Rejects with the signal's reason once it aborts; the lookup itself cannot be cancelled. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function isServerError(result: unknown): boolean {
  return (result as HopResult).type === 'status' && (result as { status: number }).status >= 500;
}

function isRetryable(error: Error): boolean {
  return !isCancellation(error) && NETWORK_ERROR_CODES.has((error as NodeJS.ErrnoException).code ?? '');
}

/**
 * A timed-out or aborted attempt: cockatiel's cancellation (not its `isTaskCancelledError`, which in 3.2.1
 * is always false), or the request's own abort when it rejects first.
 */
function isCancellation(error: unknown): boolean {
  return (
    error instanceof Error &&
    ('isTaskCancelledError' in error || error.name === 'AbortError' || error.name === 'TimeoutError')
  );
}

function codeOf(error: unknown): string {
  if (isCancellation(error)) return 'attempt timed out';
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,48}$/.test(code) ? code : 'unknown';
}
