/** The languages the Learn content knows: English (as a native language only) and the seeded ones. */
export const LEARN_LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt', 'ja'] as const;
export type LearnLanguage = (typeof LEARN_LANGUAGES)[number];

/**
 * Names a client may send for each language: its English name (the app sends `LANGUAGES[].name`), its own
 * name and its name in the other languages here. Compared without case, accents or a trailing
 * "(region)", so "Español", "espanol" and "Portuguese (Brazil)" all resolve.
 */
const NAMES: Record<LearnLanguage, string[]> = {
  en: ['English', 'inglés', 'anglais', 'Englisch', 'inglese', 'inglês', '英語'],
  es: [
    'Spanish',
    'español',
    'castellano',
    'Castilian',
    'espagnol',
    'Spanisch',
    'spagnolo',
    'espanhol',
    'スペイン語',
  ],
  fr: ['French', 'français', 'francés', 'Französisch', 'francese', 'francês', 'フランス語'],
  de: ['German', 'Deutsch', 'alemán', 'allemand', 'tedesco', 'alemão', 'ドイツ語'],
  it: ['Italian', 'italiano', 'italien', 'Italienisch', 'イタリア語'],
  pt: [
    'Portuguese',
    'português',
    'portugués',
    'portugais',
    'Portugiesisch',
    'portoghese',
    'Brazilian Portuguese',
    'ポルトガル語',
  ],
  ja: ['Japanese', '日本語', 'nihongo', 'japonés', 'japonais', 'Japanisch', 'giapponese', 'japonês'],
};

/** A name as compared: without case, accents, a trailing "(region)" or repeated spaces. */
export const nameKey = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/\s*\(.*\)\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

const BY_NAME = new Map<string, LearnLanguage>(
  LEARN_LANGUAGES.flatMap((code) => [code, ...NAMES[code]].map((name) => [nameKey(name), code] as const)),
);

/**
 * The language a display name (or a language code such as `pt-BR`) stands for, or null for any other
 * language and for text that names none.
 */
export function learnLanguageOf(name: string): LearnLanguage | null {
  const key = nameKey(name);
  return (
    BY_NAME.get(key) ?? BY_NAME.get(/^[a-z]{2}[-_][a-z0-9]{2,8}$/.test(key) ? key.slice(0, 2) : '') ?? null
  );
}
