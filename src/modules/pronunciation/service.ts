import type { AiProviders } from '../../integrations/ai/index.js';
import type { Logger } from '../../lib/logger.js';
import { audioFormatOf, requireStt, transcribeRecording } from '../speech/service.js';
import { languageHint } from '../speech/transcript.js';
import type { AnalyzePronunciationInput, PronunciationDto } from './schema.js';
import { scorePronunciation } from './scoring.js';

/** What pronunciation analysis needs: the speech-to-text provider and the log. */
export interface PronunciationDeps {
  ai: Pick<AiProviders, 'stt'>;
  log: Logger;
}

/**
 * `chat.analyzePronunciation`: transcribes the learner's recording (format from its bytes) in the target
 * language and scores it against the target text word by word (scoring.ts). The target text is not given
 * to the provider as a prompt: it would bias the transcript towards what should have been said. Throws
 * VALIDATION_ERROR for audio that is none, SERVICE_UNAVAILABLE (with `Retry-After`) without a provider or
 * with its circuit open, TIMEOUT or UPSTREAM_ERROR from the provider.
 */
export async function analyzePronunciation(
  deps: PronunciationDeps,
  actor: { userId: string },
  input: AnalyzePronunciationInput,
  signal?: AbortSignal,
): Promise<PronunciationDto> {
  const recording = { bytes: new Uint8Array(Buffer.from(input.audioData, 'base64')), declaredType: '' };
  // The input is checked before the provider is asked for: bad audio is a 400 even without one.
  const format = await audioFormatOf(recording, 'audioData');
  const client = requireStt(deps);
  const { transcription } = await transcribeRecording(client, recording, {
    language: languageHint(input.language),
    signal,
    format,
  });
  const score = scorePronunciation(input.targetText, transcription);
  deps.log.info(
    {
      evt: 'pronunciation_scored',
      userId: actor.userId,
      format: format.ext,
      words: score.feedback.length,
      accuracy: score.accuracy,
    },
    'pronunciation scored',
  );
  return { ...score, transcript: transcription.text };
}
