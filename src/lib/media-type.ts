import { fileTypeFromBuffer } from 'file-type';

/** A media type read from a file's first bytes, with the extension a provider expects in its file name. */
export interface DetectedType {
  ext: string;
  mime: string;
}

/**
 * Audio containers the speech providers take, by what file-type names them. WebM and MP4 are audio and
 * video containers alike (browsers record `audio/webm` that sniffs as `video/webm`; iOS records `.m4a` that
 * may carry an `mp4` brand), so both count as audio; the provider decodes the audio track.
 */
const AUDIO_TYPES: Record<string, DetectedType> = {
  webm: { ext: 'webm', mime: 'audio/webm' },
  mkv: { ext: 'webm', mime: 'audio/webm' },
  ogg: { ext: 'ogg', mime: 'audio/ogg' },
  oga: { ext: 'ogg', mime: 'audio/ogg' },
  opus: { ext: 'ogg', mime: 'audio/ogg' },
  mp3: { ext: 'mp3', mime: 'audio/mpeg' },
  wav: { ext: 'wav', mime: 'audio/wav' },
  m4a: { ext: 'm4a', mime: 'audio/mp4' },
  mp4: { ext: 'm4a', mime: 'audio/mp4' },
  m4b: { ext: 'm4a', mime: 'audio/mp4' },
  '3gp': { ext: 'm4a', mime: 'audio/mp4' },
  aac: { ext: 'aac', mime: 'audio/aac' },
  flac: { ext: 'flac', mime: 'audio/flac' },
};

/** Image formats the image providers edit. */
const IMAGE_TYPES: Record<string, DetectedType> = {
  png: { ext: 'png', mime: 'image/png' },
  jpg: { ext: 'jpg', mime: 'image/jpeg' },
  webp: { ext: 'webp', mime: 'image/webp' },
};

/** The audio formats accepted, for error messages. */
export const ACCEPTED_AUDIO_FORMATS = [...new Set(Object.values(AUDIO_TYPES).map((type) => type.ext))];
export const ACCEPTED_IMAGE_FORMATS = Object.values(IMAGE_TYPES).map((type) => type.ext);

/** Enough bytes for every signature file-type checks for these formats (an ID3 tag is skipped by size). */
const SNIFF_BYTES = 64 * 1024;

async function detect(bytes: Uint8Array, table: Record<string, DetectedType>): Promise<DetectedType | null> {
  const found = await fileTypeFromBuffer(bytes.subarray(0, SNIFF_BYTES));
  return (found && table[found.ext]) ?? null;
}

/**
 * The audio format of a file from its magic numbers (EBML/WebM, Ogg, ID3 or an MPEG frame sync, RIFF/WAVE,
 * ISO BMFF `ftyp`, FLAC, ADTS), never from a declared type: null when the bytes are no audio we accept.
 */
export function detectAudioType(bytes: Uint8Array): Promise<DetectedType | null> {
  return detect(bytes, AUDIO_TYPES);
}

/** The image format of a file from its magic numbers: PNG, JPEG or WebP, else null. */
export function detectImageType(bytes: Uint8Array): Promise<DetectedType | null> {
  return detect(bytes, IMAGE_TYPES);
}

/** A declared content type without its parameters, lower-cased: `audio/webm;codecs=opus` → `audio/webm`. */
export function essenceOf(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
}
