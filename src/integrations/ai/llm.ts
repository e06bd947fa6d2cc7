import { EventSourceParserStream } from 'eventsource-parser/stream';
import { z } from 'zod';
import { AppError } from '../../lib/errors.js';
import type { OutboundPolicy } from '../outbound/policy.js';
import { type Endpoint, post, readJson } from './http.js';
import type { Completion, CompletionRequest, LlmClient } from './types.js';

export interface LlmClientOptions {
  endpoint: Endpoint;
  model: string;
  policy: OutboundPolicy;
  /** A stream may pause this long between chunks. */
  attemptTimeoutMs: number;
  /** A stream, from the first request to its last chunk, lasts at most this long. */
  deadlineMs: number;
}

const completionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullable().optional(),
});

const chunkSchema = z.object({
  choices: z
    .array(z.object({ delta: z.object({ content: z.string().nullable().optional() }).optional() }))
    .optional(),
});

function requestBody(model: string, request: CompletionRequest, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: request.messages,
    stream,
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    ...(request.maxTokens !== undefined && { max_tokens: request.maxTokens }),
    ...(request.json && { response_format: { type: 'json_object' } }),
  });
}

/** Chat completions on an OpenAI-compatible endpoint, every call under the provider's policy. */
export function createLlmClient(options: LlmClientOptions): LlmClient {
  const { endpoint, model, policy } = options;
  const jsonHeaders = { 'content-type': 'application/json', accept: 'application/json' };

  return {
    provider: policy.provider,
    model,
    get circuit() {
      return policy.circuit;
    },

    refuseWhileOpen: () => policy.refuseWhileOpen('chat'),

    complete(request) {
      return policy.execute(
        'chat',
        async (signal): Promise<Completion> => {
          const response = await post(
            endpoint,
            'chat/completions',
            requestBody(model, request, false),
            signal,
            jsonHeaders,
          );
          const body = await readJson(response, completionSchema, 'chat completion');
          const choice = body.choices[0]!;
          return {
            text: choice.message.content ?? '',
            model: body.model ?? model,
            finishReason: choice.finish_reason ?? null,
            usage: body.usage
              ? { promptTokens: body.usage.prompt_tokens, completionTokens: body.usage.completion_tokens }
              : null,
          };
        },
        { signal: request.signal },
      );
    },

    async *stream(request) {
      const startedAt = Date.now();
      const reading = new AbortController();
      const response = await policy.execute(
        'chat_stream',
        (signal) =>
          post(
            endpoint,
            'chat/completions',
            requestBody(model, request, true),
            AbortSignal.any([signal, reading.signal]),
            {
              'content-type': 'application/json',
              accept: 'text/event-stream',
            },
          ),
        { signal: request.signal },
      );
      const events = response
        .body!.pipeThrough(new TextDecoderStream())
        .pipeThrough(new EventSourceParserStream())
        .getReader();
      const stopOnCallerAbort = () => reading.abort();
      request.signal?.addEventListener('abort', stopOnCallerAbort, { once: true });
      let stalled: NodeJS.Timeout | undefined;
      let done = false;
      try {
        while (true) {
          // Each chunk within the attempt timeout, the whole stream within the deadline.
          const wait = Math.min(options.attemptTimeoutMs, startedAt + options.deadlineMs - Date.now());
          stalled = setTimeout(() => reading.abort(), Math.max(0, wait));
          let next: Awaited<ReturnType<typeof events.read>>;
          try {
            next = await events.read();
          } catch {
            if (request.signal?.aborted)
              throw new AppError('SERVICE_UNAVAILABLE', 'The AI reply was cancelled');
            if (reading.signal.aborted) throw new AppError('TIMEOUT', 'The AI service stopped answering');
            throw new AppError('UPSTREAM_ERROR', 'The AI reply was cut off');
          } finally {
            clearTimeout(stalled);
          }
          if (next.done) break;
          if (next.value.data === '[DONE]') {
            done = true;
            break;
          }
          const delta = parseChunk(next.value.data);
          if (delta) yield delta;
        }
        if (!done) throw new AppError('UPSTREAM_ERROR', 'The AI reply was cut off');
      } finally {
        request.signal?.removeEventListener('abort', stopOnCallerAbort);
        // Stops reading when the consumer leaves early, and closes the connection.
        reading.abort();
        await events.cancel().catch(() => undefined);
      }
    },
  };
}

function parseChunk(data: string): string {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new AppError('UPSTREAM_ERROR', 'The AI service sent an unreadable reply');
  }
  const chunk = chunkSchema.safeParse(json);
  if (!chunk.success) throw new AppError('UPSTREAM_ERROR', 'The AI service sent an unreadable reply');
  return chunk.data.choices?.map((choice) => choice.delta?.content ?? '').join('') ?? '';
}
