import { hostname } from 'node:os';
import { trace } from '@opentelemetry/api';
import {
  defaultStackParser,
  type ErrorEvent,
  type EventHint,
  linkedErrorsIntegration,
  makeNodeTransport,
  NodeClient,
  Scope,
} from '@sentry/node';
import { databaseErrorFacts, driverErrorOf } from '../../db/errors.js';
import { releaseOf } from '../../lib/app-version.js';
import { currentRequestId, currentTraceId } from '../../lib/request-context.js';
import { activeTracer } from '../../lib/telemetry/tracer.js';
import { scrubEvent } from './scrub.js';
import type { ErrorOrigin, ErrorReporter, ErrorReporterDeps } from './types.js';

/**
 * The Sentry reporter. A client of its own rather than `Sentry.init`: init makes the client global, reads
 * SENTRY_* variables behind config/env.ts, and tests build several apps per process; here the reporter is
 * passed down like the logger, and each report carries its own scope.
 *
 * What the client deliberately leaves out:
 * - OpenTelemetry setup and performance (`tracesSampleRate` unset): lib/telemetry/sdk.ts owns tracing.
 * - Runtime channel injection: module-load hooks that rewrite libraries for Sentry's instrumentation.
 * - Init's default integrations: http/fetch/console breadcrumbs (URLs with tokens, log lines), request
 *   data, source context lines and local variables (values), and the uncaught exception and rejection
 *   handlers, which would change how the process dies: a crash stays Node's (stack on stderr, exit,
 *   restart by the supervisor), and is not reported.
 * The one integration is linked errors: the `cause` chain (drizzle's query error, then the driver's).
 */
export function createSentryReporter(deps: ErrorReporterDeps & { dsn: string }): ErrorReporter {
  const { env, log } = deps;
  const client = new NodeClient({
    dsn: deps.dsn,
    release: releaseOf(env),
    environment: env.NODE_ENV,
    // The instance (pod) name: which replica failed; not a user's.
    serverName: hostname(),
    transport: (options) => logFailedSends(makeNodeTransport(options), log),
    stackParser: defaultStackParser,
    integrations: [linkedErrorsIntegration()],
    // v11's `sendDefaultPii`: every kind of collected data off, whatever integration might read it.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
      graphQL: { document: false, variables: false },
      genAI: { inputs: false, outputs: false },
      mcp: { inputs: false, outputs: false },
      databaseQueryData: false,
      queues: false,
      stackFrameVariables: false,
      frameContextLines: 0,
    },
    maxBreadcrumbs: 0,
    sendClientReports: false,
    enableOpenTelemetrySetup: false,
    // No spans are sent to Sentry: without this the client sets up a span buffer for span streaming.
    traceLifecycle: 'static',
    enableRuntimeChannelInjection: false,
    beforeSend: (event: ErrorEvent, hint: EventHint) =>
      scrubEvent(event, withheldMessages(hint.originalException)),
  });
  client.init();
  const base = new Scope();
  base.setClient(client);
  base.setTag('role', env.ROLES.join(','));
  let closed = false;
  log.info(
    { release: releaseOf(env), environment: env.NODE_ENV },
    'unexpected errors are reported to Sentry',
  );

  return {
    kind: 'sentry',
    report(error, origin = {}) {
      if (closed) return;
      try {
        // As Sentry.captureException builds it: linked errors and beforeSend read the error from the
        // hint, and a thrown non-Error gets the stack of the place that reported it.
        const hint = { originalException: error, syntheticException: new Error('reported here') };
        client.captureException(error, hint, scopeOf(base, error, origin));
      } catch (failure) {
        log.warn({ err: failure }, 'error report not queued');
      }
    },
    async close(timeoutMs) {
      closed = true;
      await client.close(timeoutMs);
    },
  };
}

/** The report's scope: the request and trace ids, where it happened, and a database error's facts. */
function scopeOf(base: Scope, error: unknown, origin: ErrorOrigin): Scope {
  const scope = base.clone();
  const { requestId = currentRequestId(), ...names } = origin;
  const traceId = currentTraceId() ?? spanTraceId();
  scope.setTags({ ...names, ...(requestId && { requestId }), ...(traceId && { traceId }) });
  // The event's trace context names the same trace, so Sentry links it to the trace of our own tracing.
  if (traceId) scope.setPropagationContext({ traceId, sampleRand: Math.random() });
  const facts = databaseErrorFacts(error);
  if (facts) scope.setContext('database', { ...facts });
  return scope;
}

/** Outside requests (jobs, the relay) the active span, when tracing runs, names the trace. */
function spanTraceId(): string | undefined {
  return activeTracer() ? trace.getActiveSpan()?.spanContext().traceId : undefined;
}

/** A database data exception quotes the value it refused (`invalid input syntax…: "…"`): withheld. */
function withheldMessages(error: unknown): ReadonlySet<string> {
  const driver = driverErrorOf(error);
  return new Set(driver?.code.startsWith('22') ? [driver.message] : []);
}

type Transport = ReturnType<typeof makeNodeTransport>;

/**
 * Says in our log when reports do not arrive (a wrong DSN, Sentry down): otherwise the SDK drops them
 * silently. Only the status or the error's code: the request URL carries the DSN's key.
 */
function logFailedSends(transport: Transport, log: ErrorReporterDeps['log']): Transport {
  return {
    ...transport,
    send: async (envelope) => {
      try {
        const response = await transport.send(envelope);
        if (response.statusCode !== undefined && response.statusCode >= 400)
          log.warn({ status: response.statusCode }, 'error report refused by Sentry');
        return response;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        log.warn({ reason: typeof code === 'string' ? code : 'send failed' }, 'error report not delivered');
        throw error;
      }
    },
  };
}
