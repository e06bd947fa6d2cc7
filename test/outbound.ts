import { createImagesClient } from '../src/integrations/ai/images.js';
import { createLlmClient } from '../src/integrations/ai/llm.js';
import { createSttClient } from '../src/integrations/ai/stt.js';
import { createOutboundPolicy, type OutboundPolicyOptions } from '../src/integrations/outbound/policy.js';
import { createLogger } from '../src/lib/logger.js';
import { createMetrics } from '../src/lib/metrics.js';
import type { FakeProvider } from './fake-provider.js';
import { CapturedLogs } from './harness.js';

export const TEST_PROVIDER_KEY = 'sk-test-provider-key-7c1e9a4f2b';

export type PolicySettings = Partial<
  Omit<OutboundPolicyOptions, 'provider' | 'serviceLabel' | 'log' | 'metrics'>
>;

/**
 * The real clients and policy, pointed at a fake provider, with settings small enough for tests; the
 * logs and metrics they write are kept for assertions.
 */
export function clientsFor(fake: FakeProvider, settings: PolicySettings = {}) {
  const logs = new CapturedLogs();
  const log = createLogger({ level: 'debug', env: 'test', destination: logs });
  const metrics = createMetrics(() => ({ total: 0, idle: 0, waiting: 0, max: 0 }));
  const options = {
    attemptTimeoutMs: 2_000,
    deadlineMs: 10_000,
    retries: 3,
    backoff: { initialDelayMs: 20, maxDelayMs: 1_000 },
    breaker: { consecutiveFailures: 100, halfOpenAfterMs: 300 },
    bulkhead: { maxConcurrent: 16, maxQueued: 16 },
    ...settings,
  };
  const policy = (provider: string) =>
    createOutboundPolicy({
      provider,
      serviceLabel: 'The AI service',
      log,
      metrics: metrics.outbound,
      ...options,
    });
  const endpoint = { baseUrl: fake.url, apiKey: TEST_PROVIDER_KEY };
  const llmPolicy = policy('llm');
  return {
    logs,
    metrics,
    policy: llmPolicy,
    llm: createLlmClient({
      endpoint,
      model: 'test-chat',
      policy: llmPolicy,
      attemptTimeoutMs: options.attemptTimeoutMs,
      deadlineMs: options.deadlineMs,
    }),
    stt: createSttClient({ endpoint, model: 'test-whisper', policy: policy('stt') }),
    images: createImagesClient({ endpoint, model: 'test-image', policy: policy('images') }),
  };
}

/** What `promise` rejected with, or a failure if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}
