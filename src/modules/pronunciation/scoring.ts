/**
 * Pronunciation scoring: what the learner was asked to say against what the speech-to-text provider
 * heard, word by word. Pure and deterministic: the same target and transcript always score the same.
 *
 * Words are compared case- and punctuation-blind; diacritics count, but a word right except for its
 * accents scores higher than a wrong one. Expected and heard words are aligned by an edit-distance
 * dynamic programme whose substitution cost is the two words' dissimilarity, so a near miss pairs with
 * the word it was meant to be and a skipped word shows as missed rather than shifting every later pair.
 */

/** What the provider heard: its text, its words with their confidence, and its overall confidence. */
export interface HeardSpeech {
  text: string;
  words: { word: string; confidence: number | null }[];
  confidence: number | null;
}

export interface WordFeedback {
  word: string;
  /** 0..100. */
  accuracy: number;
  suggestion: string;
}

/** api-contract §3.6's shape. */
export interface PronunciationScore {
  /** 0..100: how well the expected words were said (extra words count against it). */
  accuracy: number;
  feedback: WordFeedback[];
  /** 0..100: accuracy, completeness and clarity together. */
  overallScore: number;
  improvements: string[];
}

interface Token {
  /** As written, punctuation removed. */
  display: string;
  /** Lower case, NFC. */
  norm: string;
  /** `norm` without combining marks (diacritics). */
  base: string;
  confidence: number | null;
}

/** Scripts written without spaces between words: each character is compared as a word. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;
const INNER_MARK = /['’-]/u;

const stripMarks = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');

function toToken(display: string, confidence: number | null): Token {
  const norm = display.normalize('NFC').toLowerCase();
  return { display, norm, base: stripMarks(norm), confidence };
}

/** The words of a text: punctuation dropped (apostrophes and hyphens inside a word kept), unspaced scripts split. */
export function tokenize(text: string, confidence: number | null = null): Token[] {
  const tokens: Token[] = [];
  for (const raw of text.normalize('NFC').split(/\s+/u)) {
    const chars = Array.from(raw);
    const kept = chars.filter(
      (char, index) =>
        /[\p{L}\p{M}\p{N}]/u.test(char) ||
        (INNER_MARK.test(char) &&
          /\p{L}/u.test(chars[index - 1] ?? '') &&
          /\p{L}/u.test(chars[index + 1] ?? '')),
    );
    let run = '';
    for (const char of kept) {
      if (UNSPACED.test(char)) {
        if (run) tokens.push(toToken(run, confidence));
        run = '';
        tokens.push(toToken(char, confidence));
      } else run += char;
    }
    if (run) tokens.push(toToken(run, confidence));
  }
  return tokens;
}

/** Levenshtein distance over code points. */
export function editDistance(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  let previous = Array.from({ length: right.length + 1 }, (_, j) => j);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (left[i - 1] === right[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[right.length]!;
}

/** Right except for diacritics. */
const ACCENT_ONLY_SIMILARITY = 0.85;

/** 0..1: 1 for the same word, 0.85 for the same letters with other diacritics, else by edit distance. */
export function wordSimilarity(expected: Token, heard: Token): number {
  if (expected.norm === heard.norm) return 1;
  if (expected.base === heard.base) return ACCENT_ONLY_SIMILARITY;
  const longest = Math.max(Array.from(expected.base).length, Array.from(heard.base).length);
  return longest === 0 ? 0 : Math.max(0, 1 - editDistance(expected.base, heard.base) / longest);
}

type Step =
  | { kind: 'pair'; expected: Token; heard: Token; similarity: number }
  | { kind: 'missed'; expected: Token }
  | { kind: 'extra'; heard: Token };

/**
 * Aligns expected and heard words with minimal total cost: pairing costs 1 − similarity, a missed or an
 * extra word costs 1. Ties prefer pairing, then a missed word, so the result is deterministic.
 */
export function align(expected: Token[], heard: Token[]): Step[] {
  const n = expected.length;
  const m = heard.length;
  const similarity = expected.map((e) => heard.map((h) => wordSimilarity(e, h)));
  const cost: number[][] = Array.from({ length: n + 1 }, (_, i) =>
    Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      cost[i]![j] = Math.min(
        cost[i - 1]![j - 1]! + 1 - similarity[i - 1]![j - 1]!,
        cost[i - 1]![j]! + 1,
        cost[i]![j - 1]! + 1,
      );
    }
  }
  const steps: Step[] = [];
  let i = n;
  let j = m;
  const EPSILON = 1e-9;
  while (i > 0 || j > 0) {
    const here = cost[i]![j]!;
    if (
      i > 0 &&
      j > 0 &&
      Math.abs(here - (cost[i - 1]![j - 1]! + 1 - similarity[i - 1]![j - 1]!)) < EPSILON
    ) {
      steps.push({
        kind: 'pair',
        expected: expected[i - 1]!,
        heard: heard[j - 1]!,
        similarity: similarity[i - 1]![j - 1]!,
      });
      i--;
      j--;
    } else if (i > 0 && Math.abs(here - (cost[i - 1]![j]! + 1)) < EPSILON) {
      steps.push({ kind: 'missed', expected: expected[i - 1]! });
      i--;
    } else {
      steps.push({ kind: 'extra', heard: heard[j - 1]! });
      j--;
    }
  }
  return steps.reverse();
}

/** A heard word's provider confidence weighs in a little: a word barely made out was not said clearly. */
const confidenceWeight = (confidence: number | null) => (confidence === null ? 1 : 0.75 + 0.25 * confidence);

const percent = (fraction: number) => Math.round(Math.min(1, Math.max(0, fraction)) * 100);
const quoted = (words: string[]) =>
  [...new Set(words)]
    .slice(0, 5)
    .map((word) => `"${word}"`)
    .join(', ');
const WELL_SAID = 90;
const RECOGNISABLE = 0.5;

/** The letters of the word that differ from what was heard: the middle left after their common ends. */
function differingPart(expected: string, heard: string): string {
  const e = Array.from(expected);
  const h = Array.from(heard);
  let start = 0;
  while (start < e.length && start < h.length && e[start] === h[start]) start++;
  let end = 0;
  while (end < e.length - start && end < h.length - start && e[e.length - 1 - end] === h[h.length - 1 - end])
    end++;
  return e.slice(start, e.length - end).join('');
}

function suggestionFor(step: Exclude<Step, { kind: 'extra' }>, accuracy: number): string {
  if (step.kind === 'missed')
    return `"${step.expected.display}" was not heard: say every word without skipping it.`;
  const { expected, heard } = step;
  if (accuracy >= WELL_SAID) return 'Well pronounced.';
  if (step.similarity === 1) return `"${expected.display}" was unclear: say it more slowly and clearly.`;
  if (expected.base === heard.base)
    return `Mind the accents: "${expected.display}" was heard as "${heard.display}".`;
  if (step.similarity >= RECOGNISABLE) {
    const part = differingPart(expected.norm, heard.norm);
    return part
      ? `"${expected.display}" sounded like "${heard.display}": work on the "${part}" sound.`
      : `"${expected.display}" sounded like "${heard.display}": do not add sounds to it.`;
  }
  return `You said "${heard.display}" instead of "${expected.display}": listen to it again and repeat it slowly.`;
}

/** Letters with diacritics in words whose accents were missed. */
const accentedLetters = (words: string[]) => [
  ...new Set(words.flatMap((word) => Array.from(word).filter((char) => char.normalize('NFD').length > 1))),
];

/**
 * Scores `heard` against `targetText`. Per expected word, accuracy is its similarity to the word heard in
 * its place (0 when missed) times a weight from the provider's confidence in that word; overall accuracy
 * is their mean, with each extra word counting as half a missed one. The overall score is 60% accuracy,
 * 25% completeness (expected words recognisably said) and 15% clarity (the provider's confidence).
 */
export function scorePronunciation(targetText: string, heard: HeardSpeech): PronunciationScore {
  const expected = tokenize(targetText);
  const heardTokens =
    heard.words.length > 0
      ? heard.words.flatMap((word) => tokenize(word.word, word.confidence))
      : tokenize(heard.text, heard.confidence);

  if (heardTokens.length === 0) {
    return {
      accuracy: 0,
      feedback: expected.map((token) => ({
        word: token.display,
        accuracy: 0,
        suggestion: suggestionFor({ kind: 'missed', expected: token }, 0),
      })),
      overallScore: 0,
      improvements: ['No speech was recognised: check the microphone and say the whole sentence.'],
    };
  }

  const steps = align(expected, heardTokens);
  const feedback: WordFeedback[] = [];
  const missed: string[] = [];
  const misspoken: string[] = [];
  const accentMisses: string[] = [];
  const extras: string[] = [];
  let total = 0;
  let recognisable = 0;
  for (const step of steps) {
    if (step.kind === 'extra') {
      extras.push(step.heard.display);
      feedback.push({
        word: step.heard.display,
        accuracy: 0,
        suggestion: `"${step.heard.display}" is not in the text: leave it out.`,
      });
      continue;
    }
    const accuracy =
      step.kind === 'missed' ? 0 : percent(step.similarity * confidenceWeight(step.heard.confidence));
    total += accuracy;
    if (step.kind === 'missed') missed.push(step.expected.display);
    else {
      if (step.similarity >= RECOGNISABLE) recognisable++;
      if (step.expected.base === step.heard.base && step.similarity < 1)
        accentMisses.push(step.expected.norm);
      else if (step.similarity < 1 && accuracy < WELL_SAID) misspoken.push(step.expected.display);
    }
    feedback.push({ word: step.expected.display, accuracy, suggestion: suggestionFor(step, accuracy) });
  }

  const accuracy = expected.length === 0 ? 0 : Math.round(total / (expected.length + 0.5 * extras.length));
  const completeness = expected.length === 0 ? 0 : recognisable / expected.length;
  const wordConfidences = heardTokens.flatMap((token) =>
    token.confidence === null ? [] : [token.confidence],
  );
  const clarity =
    heard.confidence ??
    (wordConfidences.length > 0
      ? wordConfidences.reduce((sum, value) => sum + value, 0) / wordConfidences.length
      : null);
  const overallScore = percent(
    0.6 * (accuracy / 100) + 0.25 * completeness + 0.15 * (clarity ?? accuracy / 100),
  );

  const improvements: string[] = [];
  if (missed.length > 0)
    improvements.push(`Say every word: ${quoted(missed)} ${missed.length === 1 ? 'was' : 'were'} not heard.`);
  if (misspoken.length > 0)
    improvements.push(`Practise these words slowly, syllable by syllable: ${quoted(misspoken)}.`);
  if (accentMisses.length > 0)
    improvements.push(`Work on the accented letters: ${accentedLetters(accentMisses).join(', ')}.`);
  if (extras.length > 0)
    improvements.push(
      `Stick to the text: ${quoted(extras)} ${extras.length === 1 ? 'is' : 'are'} not part of it.`,
    );
  if (clarity !== null && clarity < 0.7)
    improvements.push(
      'Speak a little slower and closer to the microphone: parts of the recording were unclear.',
    );
  if (improvements.length === 0)
    improvements.push('Excellent! Now try saying it at a natural, conversational speed.');

  return { accuracy, feedback, overallScore, improvements };
}
