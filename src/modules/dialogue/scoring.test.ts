import { describe, expect, it } from 'vitest';
import {
  characterErrorRate,
  completesScene,
  DIFFICULTY_SETTINGS,
  distanceWithin,
  keywordsHit,
  levenshtein,
  normaliseForScoring,
  scoreTurn,
  semanticFeedback,
  semanticScore,
  srsDueAt,
  srsIntervalIndex,
  turnFeedback,
} from './scoring.js';

describe('normaliseForScoring', () => {
  it.each([
    ['Hello, World!', 'hello world'],
    ['Café  CRÈME', 'cafe creme'],
    ['¿Dónde está la estación?', 'donde esta la estacion'],
    ["I'd like the bill", 'id like the bill'],
    ['I’d like', 'id like'],
    ['Straße', 'straße'],
    ['ありがとう、ございます', 'ありがとう ございます'],
    ['が', 'が'],
    ['  ...  ', ''],
  ])('%s → %s', (text, expected) => {
    expect(normaliseForScoring(text)).toBe(expected);
  });
});

describe('levenshtein and distanceWithin', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['abc', 'abc', 0],
    ['日本語', '日本', 1],
  ])('levenshtein(%s, %s) = %i', (a, b, expected) => {
    expect(levenshtein(a, b)).toBe(expected);
  });

  it.each([
    ['name', 'my name is john', 0],
    ['nme', 'my name is john', 1],
    ['hello', 'xyz', 5],
    ['hello', '', 5],
    ['', 'anything', 0],
  ])('distanceWithin(%s, %s) = %i', (pattern, text, expected) => {
    expect(distanceWithin(pattern, text)).toBe(expected);
  });
});

const MEETING = ['hello', 'my name is', 'nice to meet you'];

describe('characterErrorRate and keywordsHit', () => {
  it.each([
    ['a key phrase said inside a sentence', 'Hello, my name is John', MEETING, 0, ['hello', 'my name is']],
    ['one letter wrong in a 16-letter phrase', 'nice to meat you', ['nice to meet you'], 1 / 16, []],
    [
      'accents missing from the text',
      'Un cafe con leche, por favor',
      ['café con leche'],
      0,
      ['café con leche'],
    ],
    ['accents only in the text', 'CAFÉ!', ['cafe'], 0, ['cafe']],
    ['apostrophes of any kind', 'I’d like soup', ["i'd like"], 0, ["i'd like"]],
    ['nothing like any phrase', 'xyz', ['hello'], 1, []],
    ['text that is only punctuation', '?!', ['hello'], 1, []],
    ['a phrase inside a longer word: close, but not a hit', 'Othello', ['hello'], 0, []],
    ['no key phrases', 'Hello there', [], 0, []],
    ['key phrases that are only punctuation', 'Hello there', ['...', ' '], 0, []],
  ])('%s', (_, text, phrases, cer, hits) => {
    expect(characterErrorRate(text, phrases)).toBeCloseTo(cer, 10);
    expect(keywordsHit(text, phrases)).toEqual(hits);
  });
});

describe('semanticScore and semanticFeedback', () => {
  it.each([
    ['every goal word said', 'I want to order some food', 'order food', 1],
    ['words as substrings (ordering counts for order)', 'ordering', 'order food drink', 1 / 3],
    ['punctuation in the goal ignored', "I'd like to order a meal", 'Order a meal.', 1],
    ['accents ignored', 'un cafe', 'café', 1],
    ['no goal words', 'hello', '', 0],
    ['nothing in common', 'hello', 'buy shoes', 0],
  ])('%s', (_, text, goal, expected) => {
    expect(semanticScore(text, goal)).toBeCloseTo(expected, 10);
  });

  it.each([
    [1, 'Great! Your response aligns well with the goal.'],
    [0.7, 'Great! Your response aligns well with the goal.'],
    [0.69, 'Good attempt. Try to include more key concepts.'],
    [0.4, 'Good attempt. Try to include more key concepts.'],
    [0.39, "Let's focus on the main goal of the conversation."],
    [0, "Let's focus on the main goal of the conversation."],
  ])('feedback for %f', (semantic, feedback) => {
    expect(semanticFeedback(semantic)).toBe(feedback);
  });
});

describe('scoreTurn', () => {
  it.each([
    {
      name: 'two key phrases said exactly, half the goal',
      input: {
        text: 'Hello, my name is John',
        keyPhrases: MEETING,
        goal: 'say name where from',
        difficulty: 'beginner',
      },
      // CER 0; keywords 2/3; semantic: "say"/"name"/"where"/"from" → only "name".
      expected: {
        accuracy: 1,
        fluency: 1,
        semantic: 0.25,
        combined: 0.625,
        keywordsHit: ['hello', 'my name is'],
      },
    },
    {
      name: 'one letter wrong at beginner',
      input: {
        text: 'nice to meat you',
        keyPhrases: MEETING,
        goal: 'nice meet person',
        difficulty: 'beginner',
      },
      // CER 1/16 → accuracy 1 − 0.0625/0.25; fluency 0 + 0.9375·0.5; of the goal only "nice" is said.
      expected: { accuracy: 0.75, fluency: 0.469, semantic: 0.333, combined: 0.485, keywordsHit: [] },
    },
    {
      name: 'the same turn at advanced, where the target error rate is stricter',
      input: {
        text: 'nice to meat you',
        keyPhrases: MEETING,
        goal: 'nice meet person',
        difficulty: 'advanced',
      },
      expected: { accuracy: 0.479, fluency: 0.469, semantic: 0.333, combined: 0.404, keywordsHit: [] },
    },
    {
      name: 'accents do not count against the learner',
      input: {
        text: 'Un cafe con leche, por favor',
        keyPhrases: ['café con leche', 'la cuenta'],
        goal: 'pedir un café',
        difficulty: 'intermediate',
      },
      expected: {
        accuracy: 1,
        fluency: 1,
        semantic: 0.667,
        combined: 0.833,
        keywordsHit: ['café con leche'],
      },
    },
    {
      name: 'a scene without key phrases',
      input: { text: 'Anything at all', keyPhrases: [], goal: 'anything', difficulty: 'advanced' },
      expected: { accuracy: 1, fluency: 1, semantic: 1, combined: 1, keywordsHit: [] },
    },
    {
      name: 'nothing right',
      input: { text: 'xyz', keyPhrases: ['hello'], goal: 'greet', difficulty: 'beginner' },
      expected: { accuracy: 0, fluency: 0, semantic: 0, combined: 0, keywordsHit: [] },
    },
  ] as const)('$name', ({ input, expected }) => {
    const score = scoreTurn(input);
    expect(score).toEqual({
      ...expected,
      keywordsHit: [...expected.keywordsHit],
      feedback: turnFeedback(expected.combined),
    });
  });

  it.each([
    [1, 'Excellent! That was clear, accurate and on topic.'],
    [0.8, 'Excellent! That was clear, accurate and on topic.'],
    [0.79, 'Good job! Keep practicing.'],
    [0.6, 'Good job! Keep practicing.'],
    [0.59, "Good attempt. Try to use the scene's key phrases."],
    [0.4, "Good attempt. Try to use the scene's key phrases."],
    [0.39, "Let's focus on the goal of the conversation and try again."],
  ])('gives feedback by combined score: %f', (combined, feedback) => {
    expect(turnFeedback(combined)).toBe(feedback);
  });
});

describe('difficulty settings', () => {
  it('hold the contract values', () => {
    expect(DIFFICULTY_SETTINGS).toMatchObject({
      beginner: { maxTurns: 8, targetCer: 0.25, requiredKeywords: 1 },
      intermediate: { maxTurns: 12, targetCer: 0.18, requiredKeywords: 2 },
      advanced: { maxTurns: 16, targetCer: 0.12, requiredKeywords: 3 },
    });
  });
});

describe('completesScene', () => {
  const four = ['a b', 'c d', 'e f', 'g h'];
  it.each([
    [
      'beginner needs one phrase',
      { turns: 1, distinctKeywordsHit: 1, keyPhrases: MEETING, difficulty: 'beginner' },
      true,
    ],
    [
      'intermediate needs two',
      { turns: 3, distinctKeywordsHit: 1, keyPhrases: MEETING, difficulty: 'intermediate' },
      false,
    ],
    [
      'intermediate with two',
      { turns: 3, distinctKeywordsHit: 2, keyPhrases: MEETING, difficulty: 'intermediate' },
      true,
    ],
    [
      'advanced needs three',
      { turns: 5, distinctKeywordsHit: 2, keyPhrases: four, difficulty: 'advanced' },
      false,
    ],
    [
      'advanced with three',
      { turns: 5, distinctKeywordsHit: 3, keyPhrases: four, difficulty: 'advanced' },
      true,
    ],
    [
      'a scene with fewer phrases needs them all',
      { turns: 5, distinctKeywordsHit: 2, keyPhrases: ['a', 'b'], difficulty: 'advanced' },
      true,
    ],
    [
      'a scene without phrases needs a turn',
      { turns: 1, distinctKeywordsHit: 0, keyPhrases: [], difficulty: 'advanced' },
      true,
    ],
    [
      'phrases that are only punctuation do not count',
      { turns: 1, distinctKeywordsHit: 0, keyPhrases: ['...'], difficulty: 'beginner' },
      true,
    ],
    [
      'no turns never completes',
      { turns: 0, distinctKeywordsHit: 0, keyPhrases: [], difficulty: 'beginner' },
      false,
    ],
  ] as const)('%s', (_, input, expected) => {
    expect(completesScene(input)).toBe(expected);
  });
});

describe('spaced repetition', () => {
  it.each([
    [0.85, 0.75, 3],
    [0.849, 0.75, 2],
    [0.75, 0.75, 2],
    [0.749, 0.75, 1],
    [0.65, 0.75, 1],
    [0.649, 0.75, 0],
    [0.92, 0.82, 3],
    [0.82, 0.82, 2],
    [0.72, 0.82, 1],
    [0.71, 0.82, 0],
    [1, 0.9, 3],
    [0.9, 0.9, 2],
    [0.8, 0.9, 1],
  ])('average %f against target %f → interval %i', (average, target, index) => {
    expect(srsIntervalIndex(average, target)).toBe(index);
  });

  const endedAt = new Date('2026-01-01T12:00:00Z');
  it.each([
    ['beginner', [1, 1], 1440],
    ['beginner', [0.75, 0.75], 360],
    ['beginner', [], 15],
    ['intermediate', [0.82, 0.82], 720],
    ['intermediate', [0.5], 10],
    ['advanced', [0.85], 240],
    ['advanced', [1, 0.98], 1440],
    ['advanced', [1, 1], 4320],
  ] as const)('%s with accuracies %o is due %i minutes after the end', (difficulty, accuracies, minutes) => {
    expect(srsDueAt(difficulty, accuracies, endedAt).getTime() - endedAt.getTime()).toBe(minutes * 60_000);
  });
});
