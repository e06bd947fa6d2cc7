import { describe, expect, it } from 'vitest';
import { isCorrect, normalise } from './scoring.js';

describe('answer scoring', () => {
  it('ignores case, punctuation, spacing, curly quotes and accents', () => {
    expect(normalise('  ¿Dónde   está el BAÑO? ')).toBe('donde esta el bano');
    expect(isCorrect({ type: 'translate', correctAnswer: 'Buenos días' }, 'buenos dias!')).toBe(true);
    expect(isCorrect({ type: 'translate', correctAnswer: 'Buenos días' }, 'buenas dias')).toBe(false);
    expect(isCorrect({ type: 'translate', correctAnswer: 'Buenos días' }, '   ')).toBe(false);
  });

  it('accepts either of the alternatives an answer lists', () => {
    const exercise = { type: 'multiple_choice', correctAnswer: 'Good evening / Good night' };
    expect(isCorrect(exercise, 'Good night')).toBe(true);
    expect(isCorrect(exercise, 'Good evening / Good night')).toBe(false);
    expect(isCorrect(exercise, 'Good morning')).toBe(false);
  });

  it('wants the words of a word order in order, as a list or a sentence', () => {
    const exercise = { type: 'word_order', correctAnswer: ['Yo', 'como', 'pan'] };
    expect(isCorrect(exercise, ['yo', 'como', 'pan'])).toBe(true);
    expect(isCorrect(exercise, 'Yo como pan.')).toBe(true);
    expect(isCorrect(exercise, ['pan', 'como', 'yo'])).toBe(false);
  });

  it('wants every pair of a match, in any order, and no more', () => {
    const exercise = { type: 'match_pairs', correctAnswer: ['uno=one', 'dos=two'] };
    expect(isCorrect(exercise, ['dos=two', 'uno=one'])).toBe(true);
    expect(isCorrect(exercise, ['uno=two', 'dos=one'])).toBe(false);
    expect(isCorrect(exercise, ['uno=one'])).toBe(false);
    expect(isCorrect(exercise, 'uno=one')).toBe(false);
    expect(isCorrect({ type: 'translate', correctAnswer: 'uno' }, ['uno'])).toBe(false);
  });
});
