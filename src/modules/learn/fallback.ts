import type { LearnPayload } from '../../db/schema/index.js';
import { learnPhrases, learnWords } from '../../db/seed/content/index.js';

const TENS = [30, 40, 50, 60, 70, 80, 90, 100];

const TIPS = [
  'Practise a little every day: ten minutes daily does more than an hour once a week.',
  'Start with greetings, numbers and the phrases you will use most.',
  'Say every new word out loud, several times.',
  'Listen to native speakers and copy their rhythm and melody.',
  'Review words just before you would forget them, at growing intervals.',
  'Learn words inside short phrases rather than one at a time.',
  'Pay special attention to the sounds your own language does not have.',
  'Do not fear mistakes: correct them at once and move on.',
];

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The Learn content of a language with no content of its own (api-contract §3.8): the Latin alphabet A–Z,
 * the numbers as digits, and English placeholders for words and phrases (target and native alike, so the
 * app's re-translation of untranslated words takes over). No phonics. One frozen value, independent of the
 * request, so every answer carrying it is byte for byte the same.
 */
export const FALLBACK_LEARN_PAYLOAD: LearnPayload = deepFreeze({
  alphabet: [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((character, index) => {
    const lower = character.toLowerCase();
    return {
      id: `latin_${index}`,
      character,
      pronunciation: character,
      type: 'special' as const,
      difficulty: 1,
      examples: [`${lower}a`, `${lower}o`].map((word) => ({ word, translation: word })),
    };
  }),
  numbers: [...Array.from({ length: 21 }, (_, value) => value), ...TENS].map((value) => ({
    value,
    target: String(value),
  })),
  commonWords: learnWords.map((word) => ({ target: word.en, native: word.en, theme: word.tag })),
  phrases: learnPhrases.map((phrase) => ({ target: phrase.en, native: phrase.en, context: phrase.tag })),
  tips: TIPS,
});
