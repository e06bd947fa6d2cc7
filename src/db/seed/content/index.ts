import { germanLearn } from './learn-de.js';
import { spanishLearn } from './learn-es.js';
import { frenchLearn } from './learn-fr.js';
import { italianLearn } from './learn-it.js';
import { japaneseLearn } from './learn-ja.js';
import { portugueseLearn } from './learn-pt.js';
import { germanLessons } from './lessons-de.js';
import { spanishLessons } from './lessons-es.js';
import { frenchLessons } from './lessons-fr.js';
import { italianLessons } from './lessons-it.js';
import { japaneseLessons } from './lessons-ja.js';
import { portugueseLessons } from './lessons-pt.js';
import type { SeedLearnLanguage, SeedLesson } from './types.js';

export { conversationStarters } from './conversation-starters.js';
export { dialogueTopics } from './dialogue.js';
export { achievements, badges } from './gamification.js';
export { learnPhrases, learnWords } from './learn-lexicon.js';
export { germanLessons } from './lessons-de.js';
export { spanishLessons } from './lessons-es.js';
export { frenchLessons } from './lessons-fr.js';
export { italianLessons } from './lessons-it.js';
export { japaneseLessons } from './lessons-ja.js';
export { portugueseLessons } from './lessons-pt.js';
export type * from './types.js';

/** Every lesson of every language, in course order per language. */
export const allLessons: SeedLesson[] = [
  ...spanishLessons,
  ...frenchLessons,
  ...germanLessons,
  ...italianLessons,
  ...portugueseLessons,
  ...japaneseLessons,
];

/** The Learn tab's content of every seeded target language (`learn.getContent`). */
export const learnLanguages: SeedLearnLanguage[] = [
  spanishLearn,
  frenchLearn,
  germanLearn,
  italianLearn,
  portugueseLearn,
  japaneseLearn,
];

// Bump this whenever any seed content changes, so that the seeder knows to re-apply it.
export const CONTENT_VERSION = '2026-11-30.4';
