import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import { requestContext, traceIdOf } from './request-context.js';
import { activeTracer } from './telemetry/tracer.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  service?: string;
  env: string;
  /** Where lines go; defaults to an asynchronous stdout writer so logging never blocks a request. */
  destination?: DestinationStream;
}

/** Paths whose values are replaced before a line is written: credentials never reach the logs. */
export const REDACTED_PATHS = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'authorization',
  'cookie',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.authorization',
  '*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/** Creates the JSON logger. Every line written inside a request carries that request's `requestId` and `traceId`. */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? bufferedStdout();
  return pino(
    {
      level: options.level,
      base: { service: options.service ?? 'linguamate-api', env: options.env },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      mixin() {
        const context = requestContext.getStore();
        if (context) return { requestId: context.requestId, traceId: traceIdOf(context) };
        // Outside requests (jobs, the relay) the active span, when tracing runs, names the trace.
        const span = activeTracer() && trace.getActiveSpan();
        return span ? { traceId: span.spanContext().traceId } : {};
      },
    },
    destination,
  );
}

/**
 * Stdout written in batches: lines collect in memory up to 8 KiB or 200 ms, whichever comes first, and go
 * out in one write. One write per line would cost a system call per request; this keeps logging off the
 * request path. Whatever is buffered is written synchronously when the process exits.
 */
function bufferedStdout(): DestinationStream {
  // One per process, shared by every logger (tests create many): one buffer, one exit flush.
  sharedStdout ??= createBufferedStdout();
  return sharedStdout;
}

let sharedStdout: DestinationStream | undefined;

function createBufferedStdout(): DestinationStream {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 8 * 1024 });
  const timer = setInterval(() => destination.flush(), 200);
  timer.unref();
  process.once('exit', () => {
    clearInterval(timer);
    try {
      destination.flushSync();
    } catch {
      // stdout already closed: nothing left to write to.
    }
  });
  return destination;
}
