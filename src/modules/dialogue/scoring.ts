import type { PROFICIENCY_LEVELS } from '../../db/columns.js';

/**
 * How a learner's dialogue turn is scored, as the app's client scored it (api-contract §3.11): pure
 * functions of the text, the scene and the difficulty, so the same turn always gets the same score.
 */

export type DialogueDifficulty = (typeof PROFICIENCY_LEVELS)[number];

export interface DifficultySettings {
  /** Learner turns a session takes before it refuses more. */
  maxTurns: number;
  /** The character error rate at which accuracy reaches 0. */
  targetCer: number;
  /** Distinct key phrases a session must use to count the scene as completed. */
  requiredKeywords: number;
  /** The accuracy the spaced-repetition schedule measures a session against (api-contract §7.4). */
  targetAccuracy: number;
  /** Minutes until the next review, from the weakest session to the strongest. */
  srsIntervalsMinutes: readonly [number, number, number, number];
}

export const DIFFICULTY_SETTINGS: Record<DialogueDifficulty, DifficultySettings> = {
  beginner: {
    maxTurns: 8,
    targetCer: 0.25,
    requiredKeywords: 1,
    targetAccuracy: 0.75,
    srsIntervalsMinutes: [15, 60, 360, 1440],
  },
  intermediate: {
    maxTurns: 12,
    targetCer: 0.18,
    requiredKeywords: 2,
    targetAccuracy: 0.82,
    srsIntervalsMinutes: [10, 120, 720, 2880],
  },
  advanced: {
    maxTurns: 16,
    targetCer: 0.12,
    requiredKeywords: 3,
    targetAccuracy: 0.9,
    srsIntervalsMinutes: [5, 240, 1440, 4320],
  },
};

/**
 * Text as scoring compares it: lower case, accents removed (é → e, but Japanese voicing marks kept, they
 * change the word), apostrophes dropped (I'd → id, whichever apostrophe the keyboard typed), any other
 * punctuation a single space.
 */
export function normaliseForScoring(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/['’‘`´ʼ]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The Levenshtein distance between two strings, by code point. */
export function levenshtein(a: string, b: string): number {
  return editDistance([...a], [...b], false);
}

/**
 * Edits needed to turn `pattern` into the closest stretch of `text` (Sellers' approximate matching): a
 * key phrase said inside a longer sentence costs nothing, a misspelt one the edits it needs.
 */
export function distanceWithin(pattern: string, text: string): number {
  return editDistance([...pattern], [...text], true);
}

function editDistance(pattern: string[], text: string[], anywhereInText: boolean): number {
  let previous = Array.from({ length: text.length + 1 }, (_, j) => (anywhereInText ? 0 : j));
  for (let i = 1; i <= pattern.length; i++) {
    const current = [i];
    for (let j = 1; j <= text.length; j++) {
      const substitution = previous[j - 1]! + (pattern[i - 1] === text[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return anywhereInText ? Math.min(...previous) : previous[text.length]!;
}

const phrasesOf = (keyPhrases: readonly string[]) =>
  keyPhrases
    .map((phrase) => ({ phrase, normalised: normaliseForScoring(phrase) }))
    .filter((entry) => entry.normalised !== '');

/**
 * The character error rate of a turn: over the scene's key phrases, the fewest edits that make one appear
 * in the text, relative to that phrase's length (0 = said exactly, 1 = nothing like it). A scene without
 * key phrases has nothing to get wrong: 0.
 */
export function characterErrorRate(text: string, keyPhrases: readonly string[]): number {
  const phrases = phrasesOf(keyPhrases);
  if (phrases.length === 0) return 0;
  const said = normaliseForScoring(text);
  const rates = phrases.map(({ normalised }) => distanceWithin(normalised, said) / [...normalised].length);
  return Math.min(1, ...rates);
}

/** The key phrases the text uses, as whole words after normalisation, in the scene's wording. */
export function keywordsHit(text: string, keyPhrases: readonly string[]): string[] {
  const said = ` ${normaliseForScoring(text)} `;
  return phrasesOf(keyPhrases)
    .filter(({ normalised }) => said.includes(` ${normalised} `))
    .map(({ phrase }) => phrase);
}

/**
 * `dialogue.scoreSemantic`: the share of the goal's words that the text contains (as substrings, so
 * "order" counts for "ordering"), at most 1; 0 for a goal without words.
 */
export function semanticScore(text: string, goal: string): number {
  const words = normaliseForScoring(goal).split(' ').filter(Boolean);
  if (words.length === 0) return 0;
  const said = normaliseForScoring(text);
  return Math.min(1, words.filter((word) => said.includes(word)).length / words.length);
}

/** The feedback `dialogue.scoreSemantic` answers with (api-contract §3.11). */
export function semanticFeedback(semantic: number): string {
  if (semantic >= 0.7) return 'Great! Your response aligns well with the goal.';
  if (semantic >= 0.4) return 'Good attempt. Try to include more key concepts.';
  return "Let's focus on the main goal of the conversation.";
}

/** The coach's feedback on a turn, by its combined score. */
export function turnFeedback(combined: number): string {
  if (combined >= 0.8) return 'Excellent! That was clear, accurate and on topic.';
  if (combined >= 0.6) return 'Good job! Keep practicing.';
  if (combined >= 0.4) return "Good attempt. Try to use the scene's key phrases.";
  return "Let's focus on the goal of the conversation and try again.";
}

export interface TurnScore {
  accuracy: number;
  fluency: number;
  semantic: number;
  /** `0.5·semantic + 0.3·accuracy + 0.2·fluency`. */
  combined: number;
  keywordsHit: string[];
  feedback: string;
}

const rounded = (value: number) => Math.round(value * 1000) / 1000;

/**
 * Scores one learner turn against its scene. `accuracy = max(0, 1 − CER/targetCER)`,
 * `fluency = min(1, keywordScore + (1 − CER)·0.5)` where keywordScore is the share of key phrases used
 * (1 when the scene has none), and the feedback follows the combined score. Components are rounded to
 * three decimals, as they are stored.
 */
export function scoreTurn(input: {
  text: string;
  keyPhrases: readonly string[];
  goal: string;
  difficulty: DialogueDifficulty;
}): TurnScore {
  const { targetCer } = DIFFICULTY_SETTINGS[input.difficulty];
  const cer = characterErrorRate(input.text, input.keyPhrases);
  const phraseCount = phrasesOf(input.keyPhrases).length;
  const hits = keywordsHit(input.text, input.keyPhrases);
  const keywordScore = phraseCount === 0 ? 1 : hits.length / phraseCount;
  const accuracy = Math.max(0, 1 - cer / targetCer);
  const fluency = Math.min(1, keywordScore + (1 - cer) * 0.5);
  const semantic = semanticScore(input.text, input.goal);
  const combined = rounded(0.5 * semantic + 0.3 * accuracy + 0.2 * fluency);
  return {
    accuracy: rounded(accuracy),
    fluency: rounded(fluency),
    semantic: rounded(semantic),
    combined,
    keywordsHit: hits,
    feedback: turnFeedback(combined),
  };
}

/**
 * Whether a session completes its scene: in at least one turn, it used the difficulty's number of
 * distinct key phrases, or all of them when the scene has fewer.
 */
export function completesScene(input: {
  turns: number;
  distinctKeywordsHit: number;
  keyPhrases: readonly string[];
  difficulty: DialogueDifficulty;
}): boolean {
  const required = Math.min(
    DIFFICULTY_SETTINGS[input.difficulty].requiredKeywords,
    phrasesOf(input.keyPhrases).length,
  );
  return input.turns > 0 && input.distinctKeywordsHit >= required;
}

// Scores are rounded to three decimals, so a threshold met exactly must not be missed by a rounding error.
const EPSILON = 1e-9;

/**
 * Which review interval a session earns: its average accuracy against the difficulty's target T gives
 * 3 at T+0.1 or more, 2 at T or more, 1 at T−0.1 or more, else 0.
 */
export function srsIntervalIndex(averageAccuracy: number, targetAccuracy: number): 0 | 1 | 2 | 3 {
  const margin = averageAccuracy - targetAccuracy + EPSILON;
  if (margin >= 0.1) return 3;
  if (margin >= 0) return 2;
  if (margin >= -0.1) return 1;
  return 0;
}

/**
 * When a session's scene is next due for review (api-contract §3.11): `endedAt` plus the difficulty's
 * interval for the session's average accuracy. A session without turns averages 0: review it soon.
 */
export function srsDueAt(difficulty: DialogueDifficulty, accuracies: readonly number[], endedAt: Date): Date {
  const settings = DIFFICULTY_SETTINGS[difficulty];
  const average = accuracies.length === 0 ? 0 : accuracies.reduce((sum, a) => sum + a, 0) / accuracies.length;
  const minutes = settings.srsIntervalsMinutes[srsIntervalIndex(average, settings.targetAccuracy)];
  return new Date(endedAt.getTime() + minutes * 60_000);
}
