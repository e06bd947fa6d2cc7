import { describe, expect, it } from 'vitest';
import {
  align,
  editDistance,
  type HeardSpeech,
  scorePronunciation,
  tokenize,
  wordSimilarity,
} from './scoring.js';

/** What the provider heard, each word with the same confidence (null: the provider reported none). */
const heard = (text: string, confidence: number | null = null): HeardSpeech => ({
  text,
  words: text
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => ({ word, confidence })),
  confidence,
});

describe('scorePronunciation', () => {
  it.each([
    {
      name: 'exact, ignoring case and punctuation',
      target: 'Buenos días, ¿cómo estás?',
      said: heard('buenos días cómo estás'),
      accuracy: 100,
      overallScore: 100,
      words: [100, 100, 100, 100],
      suggestions: ['Well pronounced.'],
      improvements: ['Excellent! Now try saying it at a natural, conversational speed.'],
    },
    {
      name: 'a missing word',
      target: 'yo quiero un café',
      said: heard('yo quiero café'),
      accuracy: 75,
      overallScore: 75,
      words: [100, 100, 0, 100],
      suggestions: ['"un" was not heard: say every word without skipping it.'],
      improvements: ['Say every word: "un" was not heard.'],
    },
    {
      name: 'a substituted word',
      target: 'el perro come',
      said: heard('el pero come'),
      accuracy: 93,
      overallScore: 95,
      words: [100, 80, 100],
      suggestions: ['"perro" sounded like "pero": work on the "r" sound.'],
      improvements: ['Practise these words slowly, syllable by syllable: "perro".'],
    },
    {
      name: 'a different word in place of the expected one',
      target: 'good morning',
      said: heard('good bye'),
      accuracy: 50,
      overallScore: 50,
      words: [100, 0],
      suggestions: ['You said "bye" instead of "morning": listen to it again and repeat it slowly.'],
      improvements: ['Practise these words slowly, syllable by syllable: "morning".'],
    },
    {
      name: 'extra words',
      target: 'thank you',
      said: heard('thank you very much'),
      accuracy: 67,
      overallScore: 75,
      words: [100, 100, 0, 0],
      suggestions: ['"very" is not in the text: leave it out.', '"much" is not in the text: leave it out.'],
      improvements: ['Stick to the text: "very", "much" are not part of it.'],
    },
    {
      name: 'diacritics missed',
      target: 'está aquí',
      said: heard('esta aqui'),
      accuracy: 85,
      overallScore: 89,
      words: [85, 85],
      suggestions: [
        'Mind the accents: "está" was heard as "esta".',
        'Mind the accents: "aquí" was heard as "aqui".',
      ],
      improvements: ['Work on the accented letters: á, í.'],
    },
    {
      name: 'an empty transcript',
      target: 'hola amigo',
      said: heard(''),
      accuracy: 0,
      overallScore: 0,
      words: [0, 0],
      suggestions: ['"hola" was not heard: say every word without skipping it.'],
      improvements: ['No speech was recognised: check the microphone and say the whole sentence.'],
    },
    {
      name: 'words heard with low confidence',
      target: 'hola amigo',
      said: heard('hola amigo', 0.2),
      accuracy: 80,
      overallScore: 76,
      words: [80, 80],
      suggestions: ['"hola" was unclear: say it more slowly and clearly.'],
      improvements: [
        'Speak a little slower and closer to the microphone: parts of the recording were unclear.',
      ],
    },
    {
      name: 'a script written without spaces, character by character',
      target: 'こんにちは',
      said: heard('こんにちわ'),
      accuracy: 80,
      overallScore: 80,
      words: [100, 100, 100, 100, 0],
      suggestions: ['You said "わ" instead of "は": listen to it again and repeat it slowly.'],
      improvements: ['Practise these words slowly, syllable by syllable: "は".'],
    },
  ])('$name', ({ target, said, accuracy, overallScore, words, suggestions, improvements }) => {
    const score = scorePronunciation(target, said);
    expect(score.accuracy).toBe(accuracy);
    expect(score.overallScore).toBe(overallScore);
    expect(score.feedback.map((entry) => entry.accuracy)).toEqual(words);
    for (const suggestion of suggestions)
      expect(score.feedback.map((entry) => entry.suggestion)).toContain(suggestion);
    expect(score.improvements).toEqual(improvements);
  });

  it('is deterministic', () => {
    const said = heard('el pero come mucho', 0.8);
    expect(scorePronunciation('el perro come', said)).toEqual(scorePronunciation('el perro come', said));
  });

  it('uses the transcript text when the provider gives no words', () => {
    const score = scorePronunciation('hola', { text: 'Hola.', words: [], confidence: 0.95 });
    // Its 0.95 confidence weighs in: 1 × (0.75 + 0.25 × 0.95).
    expect(score.accuracy).toBe(99);
    expect(score.feedback).toEqual([{ word: 'hola', accuracy: 99, suggestion: 'Well pronounced.' }]);
  });

  it('names the target word as written', () => {
    const score = scorePronunciation('¡Perro!', heard('perro'));
    expect(score.feedback[0]?.word).toBe('Perro');
  });
});

describe('tokenize', () => {
  it.each([
    ['¿Cómo estás?', ['cómo', 'estás']],
    ["I don't know - peut-être", ['i', "don't", 'know', 'peut-être']],
    ['東京へ', ['東', '京', 'へ']],
    ['  ', []],
    // A decomposed é (e + combining acute) reads as the composed one.
    ['cafe\u0301', ['café']],
  ])('%s → %j', (text, expected) => {
    expect(tokenize(text).map((token) => token.norm)).toEqual(expected);
  });
});

describe('wordSimilarity and editDistance', () => {
  const token = (word: string) => tokenize(word)[0]!;
  it.each([
    ['perro', 'perro', 1],
    ['está', 'esta', 0.85],
    ['perro', 'pero', 0.8],
    ['abc', 'xyz', 0],
  ])('%s vs %s → %d', (a, b, expected) => {
    expect(wordSimilarity(token(a), token(b))).toBeCloseTo(expected, 5);
  });

  it('counts code points', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('日本', '日本語')).toBe(1);
  });
});

describe('align', () => {
  it('keeps later words paired after a skipped one', () => {
    const steps = align(tokenize('a b c d'), tokenize('a c d'));
    expect(steps.map((step) => step.kind)).toEqual(['pair', 'missed', 'pair', 'pair']);
  });

  it('puts extra words where they were said', () => {
    const steps = align(tokenize('a b'), tokenize('a x b'));
    expect(steps.map((step) => step.kind)).toEqual(['pair', 'extra', 'pair']);
  });
});
