import type { AiProviders, SttClient, Transcription } from '../../integrations/ai/index.js';
import { requireProvider } from '../../integrations/ai/index.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import {
  ACCEPTED_AUDIO_FORMATS,
  type DetectedType,
  detectAudioType,
  essenceOf,
} from '../../lib/media-type.js';
import type { TranscribeFields, TranscriptionDto } from './schema.js';
import {
  formatTranscript,
  guessLanguage,
  languageHint,
  providerLanguage,
  stripPunctuation,
} from './transcript.js';

/** What speech to text needs: the provider (null when none is configured) and the log. */
export interface SpeechDeps {
  ai: Pick<AiProviders, 'stt'>;
  log: Logger;
}

export const STT_SERVICE_LABEL = 'The speech-to-text service';

/** The speech-to-text provider, or SERVICE_UNAVAILABLE with `Retry-After` when none is configured. */
export function requireStt(deps: Pick<SpeechDeps, 'ai'>): SttClient {
  return requireProvider(deps.ai.stt, STT_SERVICE_LABEL);
}

/** An uploaded recording: its bytes and the type its sender declared (which is not trusted). */
export interface AudioUpload {
  bytes: Uint8Array;
  declaredType: string;
}

/**
 * The format of a recording from its bytes. The declared type is only reported back: a WAV sent as
 * `audio/webm` is taken as the WAV it is, and text sent as `audio/mpeg` is refused. Throws BAD_REQUEST for
 * an empty file and VALIDATION_ERROR for bytes that are no audio we accept.
 */
export async function audioFormatOf(upload: AudioUpload, field = 'audio'): Promise<DetectedType> {
  if (upload.bytes.byteLength === 0) throw new AppError('BAD_REQUEST', 'Audio file is empty');
  const detected = await detectAudioType(upload.bytes);
  if (detected) return detected;
  const declared = essenceOf(upload.declaredType) || 'none';
  throw new AppError(
    'VALIDATION_ERROR',
    `Invalid audio format. Allowed formats: ${ACCEPTED_AUDIO_FORMATS.join(', ')} (declared ${declared.slice(0, 100)}, content is not one of them)`,
    { issues: [{ path: field, message: 'content is not a supported audio format', code: 'invalid_format' }] },
  );
}

/**
 * Sends a recording to the provider, detecting its format from its bytes; the file name the provider sees
 * carries the detected extension, since providers pick their decoder by it. Throws what `audioFormatOf`
 * and the provider's policy throw (SERVICE_UNAVAILABLE, TIMEOUT, UPSTREAM_ERROR).
 */
export async function transcribeRecording(
  client: SttClient,
  upload: AudioUpload,
  request: { language?: string | undefined; signal?: AbortSignal | undefined; format?: DetectedType },
): Promise<{ transcription: Transcription; format: DetectedType }> {
  const format = request.format ?? (await audioFormatOf(upload));
  const transcription = await client.transcribe({
    audio: new Blob([upload.bytes as Uint8Array<ArrayBuffer>], { type: format.mime }),
    filename: `audio.${format.ext}`,
    ...(request.language && { language: request.language }),
    ...(request.signal && { signal: request.signal }),
  });
  return { transcription, format };
}

/**
 * `POST /api/stt/transcribe`: transcribes an upload and post-processes the text (api-contract §4). The
 * language is the requested one; with `autoDetectLanguage` (or without a request) the provider's detected
 * language comes first and the script heuristic is the last resort.
 */
export async function transcribeUpload(
  deps: SpeechDeps,
  upload: AudioUpload,
  fields: TranscribeFields,
  signal?: AbortSignal,
): Promise<TranscriptionDto> {
  const client = requireStt(deps);
  const hint = fields.autoDetectLanguage || !fields.language ? undefined : languageHint(fields.language);
  const { transcription, format } = await transcribeRecording(client, upload, { language: hint, signal });

  let text = formatTranscript(transcription.text, fields.formatting);
  if (!fields.punctuation) text = stripPunctuation(text);
  const detected = providerLanguage(transcription.language);
  const language = fields.autoDetectLanguage
    ? (detected ?? guessLanguage(text))
    : (fields.language ?? detected ?? guessLanguage(text));
  const confidence = transcription.confidence ?? meanWordConfidence(transcription);

  deps.log.debug(
    { evt: 'stt_transcribed', format: format.ext, bytes: upload.bytes.byteLength, language },
    'transcribed',
  );
  return {
    text,
    language,
    ...(confidence !== null && { confidence }),
    ...(fields.alternatives && { alternatives: [] }),
  };
}

function meanWordConfidence(transcription: Transcription): number | null {
  const scores = transcription.words.flatMap((word) => (word.confidence === null ? [] : [word.confidence]));
  if (scores.length === 0) return null;
  return Math.round((scores.reduce((sum, score) => sum + score, 0) / scores.length) * 100) / 100;
}
