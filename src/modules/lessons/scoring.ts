/**
 * Scoring a learner's answer against an exercise, on the server. Lenient where a learner's keyboard is:
 * case, surrounding spaces and punctuation, curly quotes and missing accents do not make an answer wrong;
 * the words and their order do.
 */

export interface ScorableExercise {
  type: string;
  correctAnswer: string | string[];
}

/** Lower case, accents and punctuation removed, spaces collapsed: the form answers are compared in. */
export function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s=]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A stored answer written as alternatives (`Good evening / Good night`) accepts either. */
const alternatives = (answer: string) => answer.split(' / ').map(normalise);

export function isCorrect(exercise: ScorableExercise, answer: string | string[]): boolean {
  const expected = exercise.correctAnswer;
  switch (exercise.type) {
    case 'word_order': {
      const given = Array.isArray(answer) ? answer.join(' ') : answer;
      return normalise(given) === normalise(Array.isArray(expected) ? expected.join(' ') : expected);
    }
    case 'match_pairs': {
      if (!Array.isArray(answer) || !Array.isArray(expected)) return false;
      const wanted = new Set(expected.map(normalise));
      const given = new Set(answer.map(normalise));
      return given.size === wanted.size && [...given].every((pair) => wanted.has(pair));
    }
    default: {
      if (Array.isArray(answer) || Array.isArray(expected)) return false;
      return normalise(answer) !== '' && alternatives(expected).includes(normalise(answer));
    }
  }
}
