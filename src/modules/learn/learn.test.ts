import { describe, expect, it } from 'vitest';
import { learnPhrases, learnWords } from '../../db/seed/content/index.js';
import { FALLBACK_LEARN_PAYLOAD } from './fallback.js';
import { learnLanguageOf } from './languages.js';

describe('learnLanguageOf', () => {
  it.each([
    ['Spanish', 'es'],
    ['  español ', 'es'],
    ['ESPAÑOL', 'es'],
    ['Espanol', 'es'],
    ['Français', 'fr'],
    ['Deutsch', 'de'],
    ['ドイツ語', 'de'],
    ['Italiano', 'it'],
    ['Portuguese (Brazil)', 'pt'],
    ['Brazilian  Portuguese', 'pt'],
    ['pt-BR', 'pt'],
    ['Japanese', 'ja'],
    ['日本語', 'ja'],
    ['English', 'en'],
    ['en', 'en'],
  ])('resolves %j to %s', (name, code) => {
    expect(learnLanguageOf(name)).toBe(code);
  });

  it.each(['Klingon', 'Korean', 'x', 'es-', 'xx-YY', 'Spanish Spanish', '\u0000', '\uD800'])(
    'knows no language called %j',
    (name) => {
      expect(learnLanguageOf(name)).toBeNull();
    },
  );
});

describe('the fallback content', () => {
  it('is the Latin alphabet A–Z in the contract item shape', () => {
    expect(FALLBACK_LEARN_PAYLOAD.alphabet).toHaveLength(26);
    expect(FALLBACK_LEARN_PAYLOAD.alphabet[0]).toEqual({
      id: 'latin_0',
      character: 'A',
      pronunciation: 'A',
      type: 'special',
      difficulty: 1,
      examples: [
        { word: 'aa', translation: 'aa' },
        { word: 'ao', translation: 'ao' },
      ],
    });
    expect(FALLBACK_LEARN_PAYLOAD.alphabet.map((letter) => letter.id).at(-1)).toBe('latin_25');
    expect(FALLBACK_LEARN_PAYLOAD.alphabet.map((letter) => letter.character).join('')).toBe(
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    );
  });

  it('has the numbers as digit strings, English placeholders, eight tips and no phonics', () => {
    expect(FALLBACK_LEARN_PAYLOAD.numbers).toHaveLength(29);
    for (const number of FALLBACK_LEARN_PAYLOAD.numbers)
      expect(number).toEqual({
        value: number.value,
        target: String(number.value),
      });
    expect(FALLBACK_LEARN_PAYLOAD.commonWords).toHaveLength(learnWords.length);
    expect(FALLBACK_LEARN_PAYLOAD.phrases).toHaveLength(learnPhrases.length);
    for (const entry of [...FALLBACK_LEARN_PAYLOAD.commonWords, ...FALLBACK_LEARN_PAYLOAD.phrases])
      expect(entry.target).toBe(entry.native);
    expect(FALLBACK_LEARN_PAYLOAD.commonWords[0]).toEqual({
      target: 'friend',
      native: 'friend',
      theme: 'people',
    });
    expect(FALLBACK_LEARN_PAYLOAD.tips).toHaveLength(8);
    expect(Object.keys(FALLBACK_LEARN_PAYLOAD)).toEqual([
      'alphabet',
      'numbers',
      'commonWords',
      'phrases',
      'tips',
    ]);
  });

  it('cannot be changed by whoever holds it', () => {
    expect(Object.isFrozen(FALLBACK_LEARN_PAYLOAD)).toBe(true);
    expect(Object.isFrozen(FALLBACK_LEARN_PAYLOAD.alphabet[3]?.examples[1])).toBe(true);
    expect(() => {
      (FALLBACK_LEARN_PAYLOAD.tips as string[]).push('more');
    }).toThrow(TypeError);
  });
});
