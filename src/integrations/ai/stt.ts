import { z } from 'zod';
import type { OutboundPolicy } from '../outbound/policy.js';
import { type Endpoint, post, readJson } from './http.js';
import type { SttClient, Transcription } from './types.js';

export interface SttClientOptions {
  endpoint: Endpoint;
  model: string;
  policy: OutboundPolicy;
}

// `verbose_json` as OpenAI and whisper servers answer it; every field past `text` is optional.
const transcriptionSchema = z.object({
  text: z.string(),
  language: z.string().nullable().optional(),
  duration: z.number().nullable().optional(),
  words: z
    .array(
      z.object({
        word: z.string(),
        start: z.number(),
        end: z.number(),
        probability: z.number().min(0).max(1).optional(),
      }),
    )
    .nullable()
    .optional(),
  segments: z
    .array(z.object({ avg_logprob: z.number().optional() }))
    .nullable()
    .optional(),
});

/** Speech to text on an OpenAI-compatible `audio/transcriptions` endpoint (multipart). */
export function createSttClient(options: SttClientOptions): SttClient {
  const { endpoint, model, policy } = options;
  return {
    provider: policy.provider,
    model,
    get circuit() {
      return policy.circuit;
    },
    transcribe(request) {
      return policy.execute(
        'transcribe',
        async (signal): Promise<Transcription> => {
          // A new form per attempt: a body is read once.
          const form = new FormData();
          form.set('file', request.audio, request.filename);
          form.set('model', model);
          form.set('response_format', 'verbose_json');
          form.append('timestamp_granularities[]', 'word');
          form.append('timestamp_granularities[]', 'segment');
          if (request.language) form.set('language', request.language);
          if (request.prompt) form.set('prompt', request.prompt);
          const response = await post(endpoint, 'audio/transcriptions', form, signal, {
            accept: 'application/json',
          });
          const body = await readJson(response, transcriptionSchema, 'transcription');
          return {
            text: body.text.trim(),
            language: body.language ?? null,
            durationSeconds: body.duration ?? null,
            confidence: confidenceOf(body.segments ?? []),
            words: (body.words ?? []).map((word) => ({
              word: word.word.trim(),
              start: word.start,
              end: word.end,
              confidence: word.probability ?? null,
            })),
          };
        },
        { signal: request.signal },
      );
    },
  };
}

/** The mean per-segment probability (e^avg_logprob), rounded to 0.01; null without segment scores. */
function confidenceOf(segments: { avg_logprob?: number | undefined }[]): number | null {
  const scores = segments.flatMap((segment) =>
    segment.avg_logprob === undefined ? [] : [Math.exp(Math.min(0, segment.avg_logprob))],
  );
  if (scores.length === 0) return null;
  return Math.round((scores.reduce((sum, score) => sum + score, 0) / scores.length) * 100) / 100;
}
