import type { Env } from '../../config/env.js';
import type { DailyCounters } from '../../lib/daily-counters.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { OutboundMetrics } from '../../lib/metrics.js';
import { createOutboundPolicy, type OutboundPolicyOptions } from '../outbound/policy.js';
import { createImagesClient } from './images.js';
import { createLlmClient } from './llm.js';
import { createSttClient } from './stt.js';
import type { AiProviders } from './types.js';

export type * from './types.js';

export interface AiProvidersDeps {
  env: Env;
  log: Logger;
  metrics: OutboundMetrics;
  /** Where provider requests are counted per day for the admin reports. */
  counters?: DailyCounters;
}

/** Outcomes of calls refused before anything was sent: not provider requests. */
const NOT_SENT = new Set(['circuit_open', 'overloaded']);

/** Seconds a client is told to wait when no provider is configured: nothing changes until a deploy. */
export const NOT_CONFIGURED_RETRY_AFTER_SECONDS = 3_600;

/**
 * The providers the environment configures, each with a policy of its own (one breaker and bulkhead per
 * provider). Speech to text and images use the chat provider's URL and key unless given their own, so
 * one OpenAI account configures all three; a chat-only server (Ollama) leaves them to fail at the call.
 */
export function createAiProviders(deps: AiProvidersDeps): AiProviders {
  const { env } = deps;
  const policy = (provider: string, serviceLabel: string) =>
    createOutboundPolicy({
      provider,
      serviceLabel,
      log: deps.log.child({ component: 'outbound' }),
      metrics: deps.metrics,
      attemptTimeoutMs: env.AI_ATTEMPT_TIMEOUT_MS,
      deadlineMs: env.AI_DEADLINE_MS,
      retries: env.AI_RETRIES,
      backoff: { initialDelayMs: env.AI_BACKOFF_INITIAL_MS, maxDelayMs: env.AI_BACKOFF_MAX_MS },
      breaker: { consecutiveFailures: env.AI_BREAKER_FAILURES, halfOpenAfterMs: env.AI_BREAKER_HALF_OPEN_MS },
      bulkhead: { maxConcurrent: env.AI_MAX_CONCURRENCY, maxQueued: env.AI_MAX_QUEUED },
      onCall: (outcome) => {
        if (!NOT_SENT.has(outcome)) deps.counters?.add('ai_requests', provider);
      },
    } satisfies OutboundPolicyOptions);

  const llmUrl = env.AI_BASE_URL;
  const sttUrl = env.STT_BASE_URL ?? env.AI_BASE_URL;
  const imagesUrl = env.IMAGES_BASE_URL ?? env.AI_BASE_URL;
  return {
    llm: llmUrl
      ? createLlmClient({
          endpoint: { baseUrl: llmUrl, apiKey: env.AI_API_KEY },
          model: env.AI_MODEL,
          policy: policy('llm', 'The AI service'),
          attemptTimeoutMs: env.AI_ATTEMPT_TIMEOUT_MS,
          deadlineMs: env.AI_DEADLINE_MS,
        })
      : null,
    stt: sttUrl
      ? createSttClient({
          endpoint: { baseUrl: sttUrl, apiKey: env.STT_API_KEY ?? env.AI_API_KEY },
          model: env.STT_MODEL,
          policy: policy('stt', 'The speech-to-text service'),
        })
      : null,
    images: imagesUrl
      ? createImagesClient({
          endpoint: { baseUrl: imagesUrl, apiKey: env.IMAGES_API_KEY ?? env.AI_API_KEY },
          model: env.IMAGES_MODEL,
          policy: policy('images', 'The image service'),
        })
      : null,
  };
}

/** The provider, or SERVICE_UNAVAILABLE naming what is missing when none is configured. */
export function requireProvider<T>(provider: T | null, serviceLabel: string): T {
  if (provider === null) {
    throw new AppError('SERVICE_UNAVAILABLE', `${serviceLabel} is not configured on this server`, {
      retryAfterSeconds: NOT_CONFIGURED_RETRY_AFTER_SECONDS,
    });
  }
  return provider;
}

/** What `/api/health` shows of each provider: configured or not, its model and its circuit. */
export function providerHealth(providers: AiProviders) {
  return Object.fromEntries(
    (Object.entries(providers) as [keyof AiProviders, AiProviders[keyof AiProviders]][]).map(
      ([name, client]) => [
        name,
        client ? { configured: true, model: client.model, circuit: client.circuit } : { configured: false },
      ],
    ),
  );
}
