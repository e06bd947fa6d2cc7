import { createHash } from 'node:crypto';
import type { ExercisePair } from '../schema/lessons.js';
import type { SeedItem, SeedLesson } from './content/types.js';

/** An exercise built from a seeded lesson's items, scored on the server against `correctAnswer`. */
export interface SeedExercise {
  id: string;
  lessonId: string;
  type: 'multiple_choice' | 'translate' | 'fill_blank' | 'match_pairs' | 'word_order';
  question: string;
  options: string[];
  correctAnswer: string | string[];
  explanation: string;
  nativeText: string | null;
  targetText: string | null;
  hint: string | null;
  pairs: ExercisePair[];
  words: string[];
  difficulty: 'beginner' | 'intermediate' | 'advanced';
  position: number;
  /** The content item it practises (a match-pairs exercise practises its first): its SRS card. */
  itemId: string;
}

/** The most exercises a lesson offers; a learner is asked for at most 20 of them. */
const MAX_EXERCISES = 24;

/**
 * The exercises of a seeded lesson, derived from its items so that every seeded lesson can be scored on
 * the server: a multiple choice per item (its translation among three others of the lesson), a
 * translation per word and sentence, a fill-in-the-blank and a word order per sentence, and a match-pairs
 * per four items. Deterministic: the same content gives the same exercises with the same ids, so ids a
 * client holds survive a reseed.
 */
export function exercisesFor(lesson: Pick<SeedLesson, 'id' | 'subModules'>): SeedExercise[] {
  const items = lesson.subModules.flatMap((subModule) =>
    subModule.items.map((item, position) => ({
      item,
      id: `${lesson.id}--${subModule.slug}--${position + 1}`,
    })),
  );
  const translations = [...new Set(items.map(({ item }) => item.translation))];
  const built: Omit<SeedExercise, 'id' | 'position' | 'lessonId'>[] = [];

  for (const [index, { item, id }] of items.entries()) {
    const distractors = rotate(
      translations.filter((translation) => translation !== item.translation),
      index,
    ).slice(0, 3);
    if (distractors.length >= 1) {
      built.push({
        ...blank(id),
        type: 'multiple_choice',
        question: `What does “${item.value}” mean?`,
        options: rotate([item.translation, ...distractors], index),
        correctAnswer: item.translation,
        explanation: `“${item.value}” means “${item.translation}”.`,
        targetText: item.value,
        difficulty: 'beginner',
      });
    }
    if (item.type === 'word' || item.type === 'sentence') {
      built.push({
        ...blank(id),
        type: 'translate',
        question: `Translate: “${item.translation}”`,
        correctAnswer: item.value,
        explanation: `“${item.translation}” is “${item.value}”.`,
        nativeText: item.translation,
        targetText: item.value,
        hint: item.pronunciation || null,
        difficulty: item.type === 'word' ? 'beginner' : 'intermediate',
      });
    }
    const words = wordsOf(item);
    if (item.type === 'sentence' && words.length >= 3) {
      const missing = index % words.length;
      built.push({
        ...blank(id),
        type: 'fill_blank',
        question: words.map((word, position) => (position === missing ? '____' : word)).join(' '),
        correctAnswer: words[missing]!,
        explanation: `The full sentence is “${item.value}” (${item.translation}).`,
        nativeText: item.translation,
        targetText: item.value,
        difficulty: 'intermediate',
      });
      built.push({
        ...blank(id),
        type: 'word_order',
        question: `Put the words in order: “${item.translation}”`,
        correctAnswer: words,
        explanation: `“${item.value}”.`,
        nativeText: item.translation,
        words: rotate(words, 1 + (index % (words.length - 1))),
        difficulty: 'advanced',
      });
    }
  }

  for (let start = 0; start + 4 <= items.length; start += 4) {
    const group = items.slice(start, start + 4);
    const pairs = group.map(({ item }) => ({ left: item.value, right: item.translation }));
    built.push({
      ...blank(group[0]!.id),
      type: 'match_pairs',
      question: 'Match each word with its meaning',
      pairs,
      correctAnswer: pairs.map((pair) => `${pair.left}=${pair.right}`),
      explanation: pairs.map((pair) => `${pair.left}: ${pair.right}`).join('; '),
      difficulty: 'beginner',
    });
  }

  // Interleave kinds rather than grouping them, then keep the first MAX_EXERCISES.
  const ordered = [...built].sort((a, b) => rank(a) - rank(b) || built.indexOf(a) - built.indexOf(b));
  return ordered.slice(0, MAX_EXERCISES).map((exercise, position) => ({
    ...exercise,
    lessonId: lesson.id,
    position,
    id: stableUuid(`${lesson.id}:${exercise.type}:${exercise.itemId}:${exercise.question}`),
  }));
}

function blank(itemId: string) {
  return {
    itemId,
    options: [] as string[],
    nativeText: null as string | null,
    targetText: null as string | null,
    hint: null as string | null,
    pairs: [] as ExercisePair[],
    words: [] as string[],
  };
}

const DIFFICULTY_ORDER = { beginner: 0, intermediate: 1, advanced: 2 } as const;
/** Easier exercises first; within a difficulty the kinds alternate through the lesson's items. */
const rank = (exercise: Pick<SeedExercise, 'difficulty'>) => DIFFICULTY_ORDER[exercise.difficulty];

/** The words of a sentence, without the punctuation at either end of each. */
function wordsOf(item: SeedItem): string[] {
  return item.value
    .split(/\s+/)
    .map((word) => word.replace(/^[¿¡"“«(]+|[.,!?;:"”»)]+$/gu, ''))
    .filter(Boolean);
}

function rotate<T>(values: T[], by: number): T[] {
  if (values.length === 0) return values;
  const shift = by % values.length;
  return [...values.slice(shift), ...values.slice(0, shift)];
}

/** A name-based UUID (version 5 layout over SHA-1): the same name always gives the same id. */
export function stableUuid(name: string): string {
  const hash = createHash('sha1').update(`linguamate-exercise:${name}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
