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
