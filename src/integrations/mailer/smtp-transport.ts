import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  decorrelatedJitterGenerator,
  ExponentialBackoff,
  handleWhen,
  isBrokenCircuitError,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import nodemailer from 'nodemailer';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { MailMessage, MailTransport, SendOptions } from './types.js';

export interface SmtpTransportOptions {
  /** `smtp://` or `smtps://` URL, credentials included. A secret: it never reaches a log or an error. */
  url: string;
  /** The From header, e.g. `Linguamate <no-reply@linguamate.app>`. */
  from: string;
  log: Logger;
  /** Budget of one attempt, from connecting to the server's final reply. Default 30 s, at most 30 s. */
  attemptTimeoutMs?: number;
  /** Nodemailer's connection, greeting and socket-idle timeouts. Default 10 s, at most 10 s. */
  socketTimeoutMs?: number;
  /** Retries after the first attempt, for transient failures only. Default 3. */
  retries?: number;
  /** Exponential backoff with jitter between retries. Default 200 ms initial, 5 s cap. */
  backoff?: { initialDelayMs: number; maxDelayMs: number };
  /** Opens after this many consecutive failed attempts and half-opens after a pause. Default 5 and 30 s. */
  breaker?: { consecutiveFailures: number; halfOpenAfterMs: number };
}

export type CircuitStatus = 'closed' | 'open' | 'half-open' | 'isolated';

/** The SMTP transport: the port plus what operators and tests want to see of it. */
export interface SmtpTransport extends MailTransport {
  readonly circuit: CircuitStatus;
  close(): void;
}

/** What nodemailer attaches to its errors (see its `NodemailerError`). */
interface SmtpFailure extends Error {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
}

const NETWORK_CODES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'EPROXY']);
const CIRCUIT_STATUS: Record<CircuitState, CircuitStatus> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * Sends mail over SMTP (one connection per message, no pool) behind a per-attempt timeout, retries with
 * exponential backoff and jitter for transient failures (network errors, timeouts, 4xx replies; never a
 * 5xx rejection), and one circuit breaker shared by every send of this transport.
 *
 * `send` throws `AppError`: SERVICE_UNAVAILABLE when the breaker is open (fails fast, nothing is sent) or
 * the send was aborted, TIMEOUT when the server did not answer in time, UPSTREAM_ERROR for a refusal or an
 * unreachable server. Messages name the reply code or error code only.
 */
export function createSmtpTransport(options: SmtpTransportOptions): SmtpTransport {
  const socketTimeoutMs = Math.min(options.socketTimeoutMs ?? 10_000, 10_000);
  const transporter = nodemailer.createTransport({
    url: options.url,
    pool: false,
    connectionTimeout: socketTimeoutMs,
    greetingTimeout: socketTimeoutMs,
    socketTimeout: socketTimeoutMs,
    dnsTimeout: socketTimeoutMs,
    logger: false,
    debug: false,
  });

  const backoff = options.backoff ?? { initialDelayMs: 200, maxDelayMs: 5_000 };
  const breakerOptions = options.breaker ?? { consecutiveFailures: 5, halfOpenAfterMs: 30_000 };
  const retryPolicy = retry(
    handleWhen((error) => !isBrokenCircuitError(error) && isTransient(error)),
    {
      maxAttempts: options.retries ?? 3,
      backoff: new ExponentialBackoff({
        initialDelay: backoff.initialDelayMs,
        maxDelay: backoff.maxDelayMs,
        generator: decorrelatedJitterGenerator,
      }),
    },
  );
  // A server refusing one message is healthy; every other failure counts towards opening the circuit.
  const breaker = circuitBreaker(
    handleWhen((error) => !isMessageRejection(error)),
    {
      breaker: new ConsecutiveBreaker(breakerOptions.consecutiveFailures),
      halfOpenAfter: breakerOptions.halfOpenAfterMs,
    },
  );
  const attemptTimeout = timeout(Math.min(options.attemptTimeoutMs ?? 30_000, 30_000), {
    strategy: TimeoutStrategy.Aggressive,
    abortOnReturn: true,
  });
  const policy = wrap(retryPolicy, breaker, attemptTimeout);

  retryPolicy.onRetry((event) => {
    const reason = 'error' in event ? summarize(event.error) : 'unexpected result';
    options.log.warn({ attempt: event.attempt, delayMs: Math.round(event.delay), reason }, 'mail send retry');
  });
  breaker.onBreak(() => options.log.error('mail circuit opened: sends fail fast until the server recovers'));
  breaker.onReset(() => options.log.info('mail circuit closed'));

  return {
    get circuit() {
      return CIRCUIT_STATUS[breaker.state];
    },
    async send(message: MailMessage, sendOptions: SendOptions = {}) {
      try {
        await policy.execute(async ({ signal }) => {
          try {
            await transporter.sendMail({
              from: options.from,
              to: message.to,
              subject: message.subject,
              text: message.text,
              signal,
            });
          } catch (error) {
            // Nodemailer reports our abort (timeout or caller) as EABORT, sometimes before the timeout does.
            if (signal.aborted) throw new TaskCancelledError('Mail attempt cancelled');
            throw error;
          }
        }, sendOptions.signal);
      } catch (error) {
        throw toAppError(error, sendOptions.signal);
      }
    },
    close: () => transporter.close(),
  };
}

/**
 * A per-attempt timeout (or abort). Not cockatiel's `isTaskCancelledError`: in 3.2.1 it tests the wrong
 * property and is always false.
 */
function isCancellation(error: unknown): boolean {
  return error instanceof Error && 'isTaskCancelledError' in error;
}

/** Worth another attempt: the connection failed or timed out, or the server said "try again later". */
function isTransient(error: Error): boolean {
  if (isCancellation(error)) return true;
  const { code, responseCode, permanent } = error as SmtpFailure;
  if (typeof responseCode === 'number') {
    return permanent === undefined ? responseCode >= 400 && responseCode < 500 : !permanent;
  }
  return code !== undefined && NETWORK_CODES.has(code);
}

/** A permanent refusal of this message (sender, recipient or content), not a sign of an unhealthy server. */
function isMessageRejection(error: Error): boolean {
  const { code, permanent } = error as SmtpFailure;
  return permanent === true && (code === 'EENVELOPE' || code === 'EMESSAGE');
}

/** Codes only: server replies can echo addresses, and nothing here may carry the URL or credentials. */
function summarize(error: unknown): string {
  if (isCancellation(error)) return 'attempt timed out';
  const { code, responseCode } = (error ?? {}) as SmtpFailure;
  const safeCode = typeof code === 'string' && /^[A-Z_]{1,24}$/.test(code) ? code : 'unknown';
  return typeof responseCode === 'number' ? `${safeCode} ${responseCode}` : safeCode;
}

function toAppError(error: unknown, signal: AbortSignal | undefined): AppError {
  if (error instanceof AppError) return error;
  if (signal?.aborted) return new AppError('SERVICE_UNAVAILABLE', 'Mail send aborted');
  if (isBrokenCircuitError(error)) return new AppError('SERVICE_UNAVAILABLE', 'Mail service unavailable');
  const failure = (error ?? {}) as SmtpFailure;
  if (isCancellation(error) || failure.code === 'ETIMEDOUT') {
    return new AppError('TIMEOUT', 'Mail server timed out');
  }
  if (failure.code === 'EAUTH' || failure.code === 'ENOAUTH') {
    return new AppError('UPSTREAM_ERROR', `Mail server refused the credentials (${summarize(failure)})`);
  }
  if (typeof failure.responseCode === 'number') {
    const verb = failure.permanent === false ? 'deferred' : 'rejected';
    return new AppError('UPSTREAM_ERROR', `Mail server ${verb} the message (${summarize(failure)})`);
  }
  return new AppError('UPSTREAM_ERROR', `Mail server unreachable (${summarize(failure)})`);
}
