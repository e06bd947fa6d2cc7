import { register } from 'node:module';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { setActiveTracer } from './tracer.js';

export interface TracingOptions {
  /** The collector's base URL; spans go to `<endpoint>/v1/traces` (OTLP/HTTP, JSON). */
  endpoint: string;
  /** Share of new traces recorded; a remote parent's decision is followed either way. */
  samplingRatio: number;
  serviceName: string;
  release: string;
  environment: string;
  roles: readonly string[];
}

export interface Tracing {
  /** Exports what is buffered and stops; spans ended afterwards are dropped. */
  shutdown(): Promise<void>;
}

/** The name our own spans (HTTP edge, tRPC, jobs, realtime) are made under. */
export const TRACER_NAME = 'linguamate-api';

/**
 * Starts tracing for this process. It must run before pg, ioredis and undici are first imported: their
 * instrumentations patch the modules as they load. That is why src/main.ts imports the service only
 * after calling this, and why this module is itself imported only when tracing is on: with it off no
 * loader hook is registered and no module is patched.
 *
 * pg, ioredis and outbound fetches (undici) are traced by OpenTelemetry's instrumentations: statements
 * without their parameters, Redis commands without their values, URLs without their query strings. HTTP
 * server spans, tRPC procedures, jobs and realtime publishes are our own spans (lib/telemetry/tracer.ts),
 * made where we know the route and can decide whose `traceparent` to follow.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  // ESM imports bypass require hooks: import-in-the-middle's loader wraps exactly the modules the
  // instrumentations below ask for (the message channel tells it which), and nothing else.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.release,
      'deployment.environment.name': options.environment,
      'linguamate.roles': options.roles.join(','),
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.samplingRatio) }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({
          url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces`,
          timeoutMillis: 10_000,
        }),
        scheduledDelayMillis: 1_000,
      }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  const disable = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
    ],
  });
  await waitForAllMessagesAcknowledged();
  setActiveTracer(provider.getTracer(TRACER_NAME, options.release));

  return {
    async shutdown() {
      setActiveTracer(undefined);
      disable();
      await provider.shutdown();
      contextManager.disable();
    },
  };
}
