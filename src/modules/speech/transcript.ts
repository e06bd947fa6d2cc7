/**
 * Post-processing of a transcript (api-contract §4 "`/stt/transcribe` rules"): formatting, punctuation
 * and the spoken language. Pure functions of the text, linear in its length.
 */

export type Formatting = 'none' | 'basic' | 'enhanced';

const TERMINAL = /[.!?…。！？]$/u;
const CJK_LAST = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u;

/**
 * `none`: the provider's text as it came; `basic`: trimmed, runs of whitespace made one space; `enhanced`:
 * also no space before closing punctuation and one after it, each sentence starting with a capital (after
 * an opening `¿`/`¡`/quote), and a closing full stop when the text ends without one.
 */
export function formatTranscript(text: string, formatting: Formatting): string {
  if (formatting === 'none') return text;
  const basic = text.replace(/\s+/gu, ' ').trim();
  if (formatting === 'basic' || basic === '') return basic;
  const spaced = basic
    .replace(/\s+([,.;:!?…])/gu, '$1')
    .replace(/([,;:!?])(?=[\p{L}\p{N}])/gu, '$1 ')
    .replace(/([.…])(?=\p{Lu})/gu, '$1 ');
  const capitalised = spaced.replace(
    /(^|[.!?…]\s+)([¿¡"'«“(]*)(\p{Ll})/gu,
    (_, boundary: string, opening: string, letter: string) => `${boundary}${opening}${letter.toUpperCase()}`,
  );
  if (TERMINAL.test(capitalised)) return capitalised;
  return `${capitalised}${CJK_LAST.test(capitalised) ? '。' : '.'}`;
}

/** The text without punctuation marks; apostrophes and hyphens inside a word stay (`don't`, `peut-être`). */
export function stripPunctuation(text: string): string {
  const isLetter = (char: string | undefined) => char !== undefined && /\p{L}/u.test(char);
  return text
    .replace(/\p{P}/gu, (mark, offset: number, whole: string) =>
      /['’-]/u.test(mark) && isLetter(whole[offset - 1]) && isLetter(whole[offset + 1]) ? mark : '',
    )
    .replace(/\s+/gu, ' ')
    .trim();
}

/**
 * The contract's script and diacritic heuristic, for when the provider names no language: kana before
 * Han (Japanese is written with both), then Hangul, Arabic, Devanagari, Cyrillic, then letters that only
 * some Latin-script languages use; English otherwise.
 */
const SCRIPT_GUESSES: [RegExp, string][] = [
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/u, 'ja-JP'],
  [/\p{Script=Han}/u, 'zh-CN'],
  [/\p{Script=Hangul}/u, 'ko-KR'],
  [/\p{Script=Arabic}/u, 'ar-SA'],
  [/\p{Script=Devanagari}/u, 'hi-IN'],
  [/\p{Script=Cyrillic}/u, 'ru-RU'],
  [/[ñ¿¡]/iu, 'es-ES'],
  [/[ãõ]/iu, 'pt-BR'],
  [/[äöüß]/iu, 'de-DE'],
  [/[œçâêîôûëïÿ]/iu, 'fr-FR'],
  [/[àèìòù]/iu, 'it-IT'],
  [/[áíóú]/iu, 'es-ES'],
];

export function guessLanguage(text: string): string {
  return SCRIPT_GUESSES.find(([pattern]) => pattern.test(text))?.[1] ?? 'en-US';
}

/** Whisper's `verbose_json` names the language in English (`spanish`); others answer a code. */
const LANGUAGE_NAMES: Record<string, string> = {
  arabic: 'ar',
  chinese: 'zh',
  czech: 'cs',
  danish: 'da',
  dutch: 'nl',
  english: 'en',
  finnish: 'fi',
  french: 'fr',
  german: 'de',
  greek: 'el',
  hebrew: 'he',
  hindi: 'hi',
  hungarian: 'hu',
  indonesian: 'id',
  italian: 'it',
  japanese: 'ja',
  korean: 'ko',
  norwegian: 'no',
  persian: 'fa',
  polish: 'pl',
  portuguese: 'pt',
  punjabi: 'pa',
  romanian: 'ro',
  russian: 'ru',
  spanish: 'es',
  swedish: 'sv',
  thai: 'th',
  turkish: 'tr',
  ukrainian: 'uk',
  vietnamese: 'vi',
};

/** The provider's language as a code (`es`, `pt-BR`), or null when it named none we know. */
export function providerLanguage(raw: string | null | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  const code = /^([a-z]{2,3})(?:[-_]([a-z]{2}))?$/i.exec(value);
  if (code) return code[2] ? `${code[1]!.toLowerCase()}-${code[2].toUpperCase()}` : code[1]!.toLowerCase();
  return LANGUAGE_NAMES[value.toLowerCase()] ?? null;
}

/** The ISO 639-1 hint a provider takes from a BCP 47 tag: `pa-IN` → `pa`; null for 3-letter codes. */
export function languageHint(tag: string): string | undefined {
  const primary = tag.split('-', 1)[0]!.toLowerCase();
  return primary.length === 2 ? primary : undefined;
}
