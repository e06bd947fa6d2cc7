import { eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from '../../lib/logger.js';
import type { Db, Tx } from '../client.js';
import { ADVISORY_LOCKS, withAdvisoryLock } from '../migrate.js';
import {
  achievements,
  badges,
  contentItems,
  contentReleases,
  conversationStarters,
  dialogueScenes,
  dialogueTopics,
  exercises,
  learnConcepts,
  learnExpressions,
  learnLetters,
  learnNumbers,
  learnPhonics,
  learnTips,
  lessonSubModules,
  lessons,
} from '../schema/index.js';
import {
  allLessons,
  CONTENT_VERSION,
  learnLanguages,
  learnPhrases,
  learnWords,
  achievements as seedAchievements,
  badges as seedBadges,
  conversationStarters as seedStarters,
  dialogueTopics as seedTopics,
} from './content/index.js';
import { exercisesFor } from './exercises.js';

export interface SeedResult {
  version: string;
  seeded: boolean;
  lessons: number;
}

/** Seeds the bundled content unless this content version is already recorded. Used at start-up. */
export function seedIfNeeded(db: Db, log: Logger): Promise<SeedResult> {
  return seedContent(db, log, { force: false });
}

/**
 * Loads the bundled starter content: lessons with sub-modules and items, dialogue topics and scenes, the
 * badge and achievement catalogues, the Learn tab's content and the chat's conversation starters. Idempotent: rows are upserted by their
 * stable ids, and a lesson's sub-modules and items (like the Learn content) are replaced as a whole. Runs in one transaction under an advisory lock, so
 * instances starting together seed once and a failure leaves the previous content intact.
 */
export async function seedContent(db: Db, log: Logger, options: { force: boolean }): Promise<SeedResult> {
  const result = await withAdvisoryLock(db, ADVISORY_LOCKS.seed, async (tx) => {
    if (!options.force) {
      const done = await tx
        .select()
        .from(contentReleases)
        .where(eq(contentReleases.version, CONTENT_VERSION))
        .limit(1);
      if (done.length > 0) return { version: CONTENT_VERSION, seeded: false, lessons: 0 };
    }
    await upsertLessons(tx);
    await upsertDialogue(tx);
    await upsertGamification(tx);
    await replaceLearnContent(tx);
    await replaceConversationStarters(tx);
    await tx.insert(contentReleases).values({ version: CONTENT_VERSION }).onConflictDoNothing();
    return { version: CONTENT_VERSION, seeded: true, lessons: allLessons.length };
  });
  if (result.seeded) log.info({ contentVersion: result.version, lessons: result.lessons }, 'seeded content');
  return result;
}

const CHUNK = 500;

async function insertChunked<T>(values: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < values.length; start += CHUNK) await insert(values.slice(start, start + CHUNK));
}

/** `excluded.<column>` for every listed column: the values of the row that lost the conflict. */
const excluded = (...columns: string[]) =>
  Object.fromEntries(columns.map((column) => [camel(column), sql.raw(`excluded.${column}`)]));
const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

async function upsertLessons(tx: Tx): Promise<void> {
  const lessonRows = allLessons.map((lesson) => ({
    id: lesson.id,
    language: lesson.language,
    type: lesson.type,
    title: lesson.title,
    description: lesson.description,
    icon: lesson.icon,
    difficulty: lesson.difficulty,
    estimatedTimeMin: lesson.estimatedTime,
    xpReward: lesson.xpReward,
    // A perfect run earns a fifth more.
    perfectBonus: Math.round(lesson.xpReward / 5),
    position: lesson.order,
    tags: lesson.tags,
    source: 'seed' as const,
  }));
  await insertChunked(lessonRows, (chunk) =>
    tx
      .insert(lessons)
      .values(chunk)
      .onConflictDoUpdate({
        target: lessons.id,
        set: {
          ...excluded('language', 'type', 'title', 'description', 'icon', 'difficulty', 'estimated_time_min'),
          ...excluded('xp_reward', 'perfect_bonus', 'position', 'tags', 'source'),
          updatedAt: sql`now()`,
        },
      }),
  );

  // Replacing a lesson's sub-modules (items and their exercises cascade) keeps their ids, which are derived
  // from stable slugs; exercise ids are derived from their content the same way.
  await tx.delete(exercises).where(
    inArray(
      exercises.lessonId,
      allLessons.map((lesson) => lesson.id),
    ),
  );
  await tx.delete(lessonSubModules).where(
    inArray(
      lessonSubModules.lessonId,
      allLessons.map((lesson) => lesson.id),
    ),
  );
  const subModuleRows = allLessons.flatMap((lesson) =>
    lesson.subModules.map((subModule, position) => ({
      id: `${lesson.id}--${subModule.slug}`,
      lessonId: lesson.id,
      title: subModule.title,
      type: subModule.type,
      instructions: subModule.instructions,
      position,
    })),
  );
  await insertChunked(subModuleRows, (chunk) => tx.insert(lessonSubModules).values(chunk));

  const itemRows = allLessons.flatMap((lesson) =>
    lesson.subModules.flatMap((subModule) =>
      subModule.items.map((item, position) => ({
        id: `${lesson.id}--${subModule.slug}--${position + 1}`,
        subModuleId: `${lesson.id}--${subModule.slug}`,
        type: item.type,
        value: item.value,
        pronunciation: item.pronunciation,
        translation: item.translation,
        position,
      })),
    ),
  );
  await insertChunked(itemRows, (chunk) => tx.insert(contentItems).values(chunk));

  const exerciseRows = allLessons.flatMap((lesson) =>
    exercisesFor(lesson).map(({ itemId, ...exercise }) => ({ ...exercise, contentItemId: itemId })),
  );
  await insertChunked(exerciseRows, (chunk) => tx.insert(exercises).values(chunk));
}

async function upsertDialogue(tx: Tx): Promise<void> {
  await tx
    .insert(dialogueTopics)
    .values(
      seedTopics.map((topic, position) => ({
        id: topic.id,
        title: topic.title,
        description: topic.description,
        icon: topic.icon,
        position,
      })),
    )
    .onConflictDoUpdate({
      target: dialogueTopics.id,
      set: excluded('title', 'description', 'icon', 'position'),
    });
  await tx
    .insert(dialogueScenes)
    .values(
      seedTopics.flatMap((topic) =>
        topic.scenes.map((scene, position) => ({ ...scene, topicId: topic.id, position })),
      ),
    )
    .onConflictDoUpdate({
      target: dialogueScenes.id,
      set: excluded(
        'topic_id',
        'title',
        'description',
        'level',
        'goal',
        'key_phrases',
        'tags',
        'starter_turns',
        'position',
      ),
    });
}

async function upsertGamification(tx: Tx): Promise<void> {
  await tx
    .insert(badges)
    .values(seedBadges)
    .onConflictDoUpdate({
      target: badges.id,
      set: excluded('name', 'description', 'icon', 'type', 'required_value'),
    });
  await tx
    .insert(achievements)
    .values(seedAchievements)
    .onConflictDoUpdate({
      target: achievements.id,
      set: excluded('title', 'description', 'icon', 'category', 'requirement', 'reward', 'rarity'),
    });
}

/**
 * The Learn tables hold nothing but the bundled content, so they are emptied and filled again: readers see
 * the previous content until the seeding transaction commits.
 */
async function replaceLearnContent(tx: Tx): Promise<void> {
  // Expressions go with their concepts (the foreign key cascades).
  for (const table of [learnLetters, learnNumbers, learnTips, learnPhonics, learnConcepts])
    await tx.delete(table);

  await tx.insert(learnLetters).values(
    learnLanguages.flatMap(({ language, alphabet }) =>
      alphabet.map((letter, position) => ({
        language,
        position,
        id: `${language}-${letter.romanization ?? letter.character.toLowerCase()}`,
        ...letter,
      })),
    ),
  );
  await tx
    .insert(learnNumbers)
    .values(learnLanguages.flatMap(({ language, numbers }) => numbers.map((row) => ({ language, ...row }))));
  await tx
    .insert(learnTips)
    .values(
      learnLanguages.flatMap(({ language, tips }) =>
        tips.map((text, position) => ({ language, position, text })),
      ),
    );
  await tx.insert(learnPhonics).values(
    learnLanguages.flatMap(({ language, phonics }) =>
      phonics.map(({ slug, ...phonic }, position) => ({
        language,
        position,
        id: `${language}-${slug}`,
        ...phonic,
      })),
    ),
  );

  const concepts = [
    ...learnWords.map((concept, position) => ({ concept, kind: 'word' as const, position })),
    ...learnPhrases.map((concept, position) => ({ concept, kind: 'phrase' as const, position })),
  ];
  await tx
    .insert(learnConcepts)
    .values(
      concepts.map(({ concept, kind, position }) => ({ id: concept.id, kind, tag: concept.tag, position })),
    );
  const languages = learnLanguages.map(({ language }) => language);
  const expressionRows = concepts.flatMap(({ concept }) => [
    { conceptId: concept.id, language: 'en', text: concept.en },
    ...languages.map((language) => ({
      conceptId: concept.id,
      language,
      text: concept[language][0],
      pronunciation: concept[language][1],
    })),
  ]);
  await insertChunked(expressionRows, (chunk) => tx.insert(learnExpressions).values(chunk));
}

/** The conversation starters are bundled content only: replaced as a whole, like the Learn tables. */
async function replaceConversationStarters(tx: Tx): Promise<void> {
  await tx.delete(conversationStarters);
  await tx.insert(conversationStarters).values(
    Object.entries(seedStarters).flatMap(([language, levels]) =>
      Object.entries(levels).flatMap(([level, texts]) =>
        texts.map((text, position) => ({
          language,
          level: level as keyof typeof levels,
          position,
          text,
        })),
      ),
    ),
  );
}
