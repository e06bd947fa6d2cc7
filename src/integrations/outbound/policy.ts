import { SpanKind } from '@opentelemetry/api';
import {
  bulkhead,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  decorrelatedJitterGenerator,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { OutboundMetrics } from '../../lib/metrics.js';
import { inSpan } from '../../lib/telemetry/tracer.js';
import { isNetworkError, UpstreamHttpError } from './errors.js';

/** Seconds are what the wire speaks: every outbound call's whole budget is at most this. */
export const MAX_DEADLINE_MS = 30_000;

export type CircuitStatus = 'closed' | 'open' | 'half-open' | 'isolated';

/** Why a call ended: the `outcome` label of `outbound_calls_total`, a closed list. */
export type CallOutcome =
  | 'success'
  | 'timeout'
  | 'network'
  | 'server_error'
  | 'rate_limited'
  | 'client_error'
  | 'bad_response'
  | 'circuit_open'
  | 'overloaded'
  | 'cancelled';

export interface OutboundPolicyOptions {
  /** The provider's name: one breaker and one bulkhead each, and the `provider` label of the metrics. */
  provider: string;
  /** How the client hears of the provider in errors: "The AI service is unavailable…". */
  serviceLabel: string;
  log: Logger;
  metrics: OutboundMetrics;
  /** One attempt's budget, from sending the request to reading the whole answer. */
  attemptTimeoutMs: number;
  /** The whole call's budget: attempts, backoff and waits for Retry-After together. At most 30 s. */
  deadlineMs: number;
  /** Attempts after the first, for what can succeed on retry only. */
  retries: number;
  /** Exponential backoff with decorrelated jitter between attempts. */
  backoff: { initialDelayMs: number; maxDelayMs: number };
  /** Opens after this many consecutive failed attempts; lets one probe through after the pause. */
  breaker: { consecutiveFailures: number; halfOpenAfterMs: number };
  /** Calls in flight at once, and calls waiting for a slot; beyond that a call is refused at once. */
  bulkhead: { maxConcurrent: number; maxQueued: number };
  /** Called once per finished `execute` with its outcome (the admin reports count provider requests). */
  onCall?: (outcome: CallOutcome) => void;
}

export interface ExecuteOptions {
  /** The caller's cancellation (the client went away): stops the call and any retry. */
  signal?: AbortSignal;
}

/** An outbound call's resilience: timeouts, a deadline, retries, a circuit breaker and a bulkhead. */
export interface OutboundPolicy {
  readonly provider: string;
  readonly circuit: CircuitStatus;
  /**
   * Runs `call` (which must honour the signal it gets) under the policy. `operation` is a metric label
   * from a closed list. Rejects with an `AppError` only: SERVICE_UNAVAILABLE (with `retryAfterSeconds`)
   * when the circuit is open, the bulkhead full, the provider rate-limits us or cannot be reached;
   * TIMEOUT when the deadline passed; UPSTREAM_ERROR when it refused the request or answered nonsense.
   */
  execute<T>(
    operation: string,
    call: (signal: AbortSignal) => Promise<T>,
    options?: ExecuteOptions,
  ): Promise<T>;
  /**
   * Throws the open circuit's SERVICE_UNAVAILABLE (counted as a `circuit_open` call of `operation`) while
   * the circuit is open and its pause has not run out, so that a caller can refuse before doing work of
   * its own; once the pause is over it returns, and the next `execute` is the half-open probe.
   */
  refuseWhileOpen(operation: string): void;
}

const CIRCUIT_STATUS: Record<CircuitState, CircuitStatus> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};
const CIRCUIT_GAUGE: Record<CircuitStatus, number> = { closed: 0, 'half-open': 1, open: 2, isolated: 3 };

/**
 * Retries what can succeed on retry and nothing else: timeouts, connection failures, 408, 429 and 5xx.
 * Any other 4xx means our request is wrong and would be wrong again.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof UpstreamHttpError) {
    return error.status === 408 || error.status === 429 || error.status >= 500;
  }
  return isAttemptTimeout(error) || isNetworkError(error);
}

/** cockatiel's cancellation (not its `isTaskCancelledError`, which tests the wrong property in 3.2.1). */
function isAttemptTimeout(error: unknown): boolean {
  return error instanceof Error && 'isTaskCancelledError' in error;
}

/** Backoff that waits at least as long as the provider's `Retry-After` asked. */
class RetryAfterAware implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly inner: IBackoffFactory<IRetryBackoffContext<unknown>>) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const step = this.inner.next(context);
    const error = 'error' in context.result ? context.result.error : undefined;
    const asked = error instanceof UpstreamHttpError ? (error.retryAfterMs ?? 0) : 0;
    return { duration: Math.max(step.duration, asked), next: (next) => new RetryAfterAware(step).next(next) };
  }
}

export function createOutboundPolicy(options: OutboundPolicyOptions): OutboundPolicy {
  const { provider, log, metrics } = options;
  const deadlineMs = Math.min(options.deadlineMs, MAX_DEADLINE_MS);
  const attemptTimeoutMs = Math.min(options.attemptTimeoutMs, deadlineMs);
  const halfOpenAfterMs = options.breaker.halfOpenAfterMs;

  const breaker = circuitBreaker(handleWhen(isRetryable), {
    breaker: new ConsecutiveBreaker(options.breaker.consecutiveFailures),
    halfOpenAfter: halfOpenAfterMs,
  });
  const gate = bulkhead(options.bulkhead.maxConcurrent, options.bulkhead.maxQueued);
  // Not aborted on return: a streamed answer is still being read after the call returned its response.
  const untilReturn = { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false } as const;
  const attemptTimeout = timeout(attemptTimeoutMs, untilReturn);
  let openedAt = 0;

  const showState = () =>
    metrics.circuitState.set({ provider }, CIRCUIT_GAUGE[CIRCUIT_STATUS[breaker.state]]);
  showState();
  breaker.onBreak(() => {
    openedAt = Date.now();
    showState();
    log.error({ provider, halfOpenAfterMs }, 'outbound circuit opened: calls fail fast');
  });
  breaker.onHalfOpen(() => {
    showState();
    log.info({ provider }, 'outbound circuit half-open: one probe call goes through');
  });
  breaker.onReset(() => {
    showState();
    log.info({ provider }, 'outbound circuit closed');
  });

  /** Whole seconds until the breaker lets a probe through. */
  const secondsUntilProbe = () => Math.max(1, Math.ceil((openedAt + halfOpenAfterMs - Date.now()) / 1000));

  function toAppError(outcome: CallOutcome, error: unknown): AppError {
    const label = options.serviceLabel;
    switch (outcome) {
      case 'circuit_open':
        return new AppError('SERVICE_UNAVAILABLE', `${label} is temporarily unavailable`, {
          retryAfterSeconds: secondsUntilProbe(),
        });
      case 'overloaded':
        return new AppError('SERVICE_UNAVAILABLE', `${label} is busy`, { retryAfterSeconds: 1 });
      case 'rate_limited': {
        const asked = error instanceof UpstreamHttpError ? error.retryAfterMs : undefined;
        return new AppError('SERVICE_UNAVAILABLE', `${label} is rate limited`, {
          retryAfterSeconds: Math.ceil((asked ?? 10_000) / 1000),
        });
      }
      case 'network':
      case 'server_error':
        return new AppError('SERVICE_UNAVAILABLE', `${label} is unavailable`, { retryAfterSeconds: 5 });
      case 'timeout':
        return new AppError('TIMEOUT', `${label} did not answer in time`);
      case 'cancelled':
        return new AppError('SERVICE_UNAVAILABLE', `${label} call was cancelled`, { retryAfterSeconds: 1 });
      default:
        return new AppError('UPSTREAM_ERROR', `${label} could not handle the request`);
    }
  }

  return {
    provider,
    get circuit() {
      return CIRCUIT_STATUS[breaker.state];
    },

    refuseWhileOpen(operation) {
      if (breaker.state !== CircuitState.Open || Date.now() >= openedAt + halfOpenAfterMs) return;
      metrics.calls.inc({ provider, operation, outcome: 'circuit_open' });
      throw toAppError('circuit_open', undefined);
    },

    execute(operation, call, executeOptions = {}) {
      // One span for the whole call, retries and backoff included; each attempt's HTTP span (undici's
      // instrumentation) hangs under it.
      return inSpan(
        `outbound ${provider} ${operation}`,
        {
          kind: SpanKind.CLIENT,
          attributes: { 'outbound.provider': provider, 'outbound.operation': operation },
        },
        async (span) => {
          const started = performance.now();
          const deadlineAt = Date.now() + deadlineMs;
          // A Retry-After longer than what is left of the deadline is not waited for: the call ends at once.
          const retryPolicy = retry(
            handleWhen(
              (error) =>
                isRetryable(error) &&
                !(error instanceof UpstreamHttpError && (error.retryAfterMs ?? 0) > deadlineAt - Date.now()),
            ),
            {
              maxAttempts: options.retries,
              backoff: new RetryAfterAware(
                new ExponentialBackoff({
                  initialDelay: options.backoff.initialDelayMs,
                  maxDelay: options.backoff.maxDelayMs,
                  generator: decorrelatedJitterGenerator,
                }),
              ),
            },
          );
          retryPolicy.onRetry((event) => {
            metrics.retries.inc({ provider });
            const reason = 'error' in event ? describe(event.error) : 'result';
            log.warn(
              { provider, operation, attempt: event.attempt, delayMs: Math.round(event.delay), reason },
              'outbound retry',
            );
          });
          const deadline = timeout(deadlineMs, untilReturn);
          let deadlinePassed = false;
          deadline.onTimeout(() => {
            deadlinePassed = true;
          });

          const policy = wrap(gate, deadline, retryPolicy, breaker, attemptTimeout);
          let outcome: CallOutcome = 'success';
          try {
            return await policy.execute(({ signal }) => call(signal), executeOptions.signal);
          } catch (error) {
            outcome = classify(error, { deadlinePassed, cancelled: executeOptions.signal?.aborted === true });
            if (outcome !== 'cancelled' && outcome !== 'circuit_open' && outcome !== 'overloaded') {
              log.warn({ provider, operation, outcome, reason: describe(error) }, 'outbound call failed');
            }
            throw toAppError(outcome, error);
          } finally {
            metrics.calls.inc({ provider, operation, outcome });
            options.onCall?.(outcome);
            metrics.duration.observe({ provider, operation }, (performance.now() - started) / 1000);
            span?.setAttribute('outbound.outcome', outcome);
          }
        },
      );
    },
  };
}

function classify(error: unknown, state: { deadlinePassed: boolean; cancelled: boolean }): CallOutcome {
  if (state.cancelled) return 'cancelled';
  if (isBrokenCircuitError(error)) return 'circuit_open';
  if (isBulkheadRejectedError(error)) return 'overloaded';
  if (state.deadlinePassed || isAttemptTimeout(error)) return 'timeout';
  if (error instanceof UpstreamHttpError) {
    if (error.status === 429) return 'rate_limited';
    if (error.status >= 500) return 'server_error';
    if (error.status === 408) return 'timeout';
    return 'client_error';
  }
  if (isNetworkError(error)) return 'network';
  // UpstreamProtocolError, a JSON SyntaxError, anything else: the answer was not what we can use.
  return 'bad_response';
}

/** Class, code and status only: a provider's message can echo what we sent it. */
function describe(error: unknown): string {
  if (error instanceof UpstreamHttpError) return `status ${error.status}`;
  if (isAttemptTimeout(error)) return 'attempt timed out';
  if (!(error instanceof Error)) return 'unknown';
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${error.name} ${code}` : error.name;
}
