import { type Span, type SpanOptions, SpanStatusCode, type Tracer } from '@opentelemetry/api';

/**
 * The process's tracer while tracing runs (lib/telemetry/sdk.ts started it), undefined otherwise. Code
 * that makes spans asks here first, so with tracing off it does no OpenTelemetry work at all: the API's
 * no-op tracer is cheap, but not free on every request.
 */
let current: Tracer | undefined;

export const activeTracer = (): Tracer | undefined => current;

export function setActiveTracer(tracer: Tracer | undefined): void {
  current = tracer;
}

/**
 * Runs `work` inside a new active span (child of the active one) when tracing runs, and just runs it
 * otherwise. A thrown error marks the span failed, with the error's type and message (never its data).
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!current) return work(undefined);
  return current.startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Records an error on a span: its class and message only (messages here carry no secrets or bodies). */
export function markFailed(span: Span, error: unknown): void {
  const type = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message.slice(0, 500) : undefined;
  span.setStatus({ code: SpanStatusCode.ERROR, ...(message ? { message } : {}) });
  span.setAttribute('error.type', type);
}
