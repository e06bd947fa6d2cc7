import { learnPhrases, learnWords, type SeedLearnConcept } from '../../db/seed/content/index.js';

/**
 * What the chat answers without an AI provider: the contract's canned greeting in the learner's language
 * (api-contract §3.6), and translations of the bundled phrases and words the Learn tab teaches.
 */
const GREETINGS: Record<string, string> = {
  es: '¡Hola! ¿Cómo estás?',
  fr: 'Bonjour ! Comment allez-vous ?',
  de: 'Hallo! Wie geht es Ihnen?',
  it: 'Ciao! Come stai?',
  pt: 'Olá! Como você está?',
  ja: 'こんにちは！お元気ですか？',
  en: 'Hello! How are you?',
};
const GREETING_IN_ENGLISH = 'Hello! How are you?';

/** The canned reply for a language (its base language: `pt-BR` → `pt`), English for the others. */
export function fallbackReply(language: string): { text: string; nativeTranslation: string } {
  const base = language.toLowerCase().split('-')[0]!;
  return { text: GREETINGS[base] ?? GREETINGS.en!, nativeTranslation: GREETING_IN_ENGLISH };
}

const LEXICON_LANGUAGES = ['es', 'fr', 'de', 'it', 'pt', 'ja'] as const;
type LexiconLanguage = (typeof LEXICON_LANGUAGES)[number] | 'en';

/** Case, accents, punctuation and spacing do not matter when a text is looked up. */
const normalise = (value: string) =>
  value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();

const textIn = (concept: SeedLearnConcept, language: LexiconLanguage) =>
  language === 'en' ? concept.en : concept[language][0];

const isLexiconLanguage = (language: string): language is LexiconLanguage =>
  language === 'en' || (LEXICON_LANGUAGES as readonly string[]).includes(language);

const concepts = [...learnPhrases, ...learnWords];

/** The bundled translation of `text` between two languages, or null when the phrase list lacks it. */
export function lexiconTranslation(text: string, from: string, to: string): string | null {
  const source = from.toLowerCase().split('-')[0]!;
  const target = to.toLowerCase().split('-')[0]!;
  if (!isLexiconLanguage(source) || !isLexiconLanguage(target)) return null;
  const wanted = normalise(text);
  const concept = concepts.find((entry) => normalise(textIn(entry, source)) === wanted);
  return concept ? textIn(concept, target) : null;
}
