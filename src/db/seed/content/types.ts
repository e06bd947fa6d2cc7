/**
 * Shapes of the starter content loaded by `npm run db:seed`. Ids are stable slugs (or fixed UUIDs for
 * dialogue) so that seeding is idempotent: a second run upserts the same rows instead of adding new ones.
 */
export type SeedDifficulty = 'beginner' | 'intermediate' | 'advanced' | 'expert';
export type SeedLanguage = 'es' | 'fr' | 'de' | 'it' | 'pt' | 'ja';

export interface SeedItem {
  type: 'character' | 'word' | 'sentence' | 'syllable';
  /** The text in the target language (for Japanese: kana/kanji). */
  value: string;
  /** A learner-friendly pronunciation (romaji for Japanese, a simple respelling or IPA-like hint otherwise). */
  pronunciation: string;
  /** The English meaning. */
  translation: string;
}

export interface SeedSubModule {
  /** Unique within its lesson; the full id is `${lesson.id}--${slug}`. */
  slug: string;
  title: string;
  type: 'lesson' | 'practice' | 'quiz';
  instructions: string;
  items: SeedItem[];
}

export interface SeedLesson {
  /** Stable slug, unique across all languages, e.g. `fr-greetings-1`. */
  id: string;
  language: SeedLanguage;
  /** Category shown by the app: alphabet, numbers, vocabulary, dialogue, grammar, phrases, culture… */
  type: string;
  title: string;
  description: string;
  /** One emoji. */
  icon: string;
  difficulty: SeedDifficulty;
  /** Minutes. */
  estimatedTime: number;
  xpReward: number;
  /** Position in the language's course, from 1. */
  order: number;
  tags: string[];
  subModules: SeedSubModule[];
}

export interface SeedTurn {
  role: 'system' | 'coach' | 'user' | 'npc';
  text: string;
  lang: string;
}

export interface SeedDialogueScene {
  /** Fixed UUID. */
  id: string;
  title: string;
  description: string;
  level: 'beginner' | 'intermediate' | 'advanced';
  goal: string;
  keyPhrases: string[];
  tags: string[];
  starterTurns: SeedTurn[];
}

export interface SeedDialogueTopic {
  /** Fixed UUID. */
  id: string;
  title: string;
  description: string;
  icon: string;
  scenes: SeedDialogueScene[];
}

export interface SeedBadge {
  id: string;
  name: string;
  description: string;
  icon: string;
  type: 'totalChats' | 'streakDays' | 'wordsLearned' | 'badgesCount' | 'language' | 'lessonsCompleted' | 'xp';
  requiredValue: number;
}

export interface SeedAchievement {
  id: string;
  title: string;
  description: string;
  icon: string;
  category: 'streak' | 'xp' | 'lessons' | 'words' | 'accuracy' | 'chat';
  requirement: { type: string; value: number };
  reward: { xp: number; badge?: string; title?: string };
  rarity: 'common' | 'rare' | 'epic' | 'legendary';
}

/** An example word of a letter or sound, with its English meaning. */
export interface SeedLearnExample {
  word: string;
  translation: string;
  pronunciation?: string;
}

export interface SeedLearnLetter {
  character: string;
  /** Only for scripts other than the Latin alphabet (romaji for kana). */
  romanization?: string;
  pronunciation: string;
  type: 'vowel' | 'consonant' | 'special';
  /** 1 (sounds as an English speaker expects) to 3 (a sound English lacks). */
  difficulty: 1 | 2 | 3;
  examples: SeedLearnExample[];
}

export interface SeedLearnPhonic {
  /** Unique within its language; the wire id is `${language}-${slug}`. */
  slug: string;
  sound: string;
  ipa?: string;
  graphemes: string[];
  examples: Omit<SeedLearnExample, 'pronunciation'>[];
  mouthHint?: string;
}

/**
 * The Learn tab's content of one target language (`learn.getContent`, api-contract §3.8): its alphabet,
 * the numbers 0–20 and the tens to 100, eight tips (in English) and the sounds worth practising. Common
 * words and phrases are shared meanings, in `learn-lexicon.ts`.
 */
export interface SeedLearnLanguage {
  language: SeedLanguage;
  alphabet: SeedLearnLetter[];
  numbers: { value: number; target: string; pronunciation: string }[];
  tips: string[];
  phonics: SeedLearnPhonic[];
}

/** How one language says a meaning: the text and a learner's pronunciation (romaji for Japanese). */
export type SeedLearnTerm = readonly [text: string, pronunciation: string];

/**
 * One meaning taught as a common word or a phrase, in English and in every seeded language, so that any
 * two of them pair up as target and native language.
 */
export type SeedLearnConcept = {
  /** Stable slug, unique across words and phrases. */
  id: string;
  /** A word's theme (people, time, places, food, travel) or a phrase's context (greeting, travel…). */
  tag: string;
  en: string;
} & Record<SeedLanguage, SeedLearnTerm>;
