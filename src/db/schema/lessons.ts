import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import {
  CONTENT_ITEM_TYPES,
  createdAt,
  DIFFICULTIES,
  instant,
  oneOf,
  updatedAt,
  uuidPk,
} from '../columns.js';
import { users } from './users.js';

export const LESSON_SOURCES = ['seed', 'generated', 'ai'] as const;
export const SUB_MODULE_TYPES = ['lesson', 'practice', 'quiz', 'game'] as const;
export const EXERCISE_TYPES = [
  'translate',
  'multiple_choice',
  'fill_blank',
  'match_pairs',
  'listening',
  'speaking',
  'word_order',
  'typing',
  'select_missing',
] as const;

export interface ExercisePair {
  left: string;
  right: string;
}

/** Lesson catalogue. Ids are slugs (`fr-greetings-1`) for seeded lessons, `gen-<topic>-<ts>` for generated ones. */
export const lessons = pgTable(
  'lessons',
  {
    id: text('id').primaryKey(),
    language: text('language').notNull(),
    /** Category shown by the app: alphabet, numbers, vocabulary, dialogue, grammar… (open list). */
    type: text('type').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    icon: text('icon').notNull(),
    difficulty: text('difficulty', { enum: DIFFICULTIES }).notNull(),
    estimatedTimeMin: integer('estimated_time_min').notNull(),
    xpReward: integer('xp_reward').notNull(),
    perfectBonus: integer('perfect_bonus').notNull().default(0),
    isLocked: boolean('is_locked').notNull().default(false),
    /** Place in the language's course, from 1; null for generated lessons, which sit outside the course. */
    position: integer('position'),
    tags: text('tags').array().notNull().default([]),
    /** Lesson ids. An array cannot carry foreign keys, so writers must check that they exist. */
    prerequisites: text('prerequisites').array().notNull().default([]),
    source: text('source', { enum: LESSON_SOURCES }).notNull().default('seed'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('lessons_language_position_idx').on(t.language, t.position),
    index('lessons_language_difficulty_idx').on(t.language, t.difficulty),
    index('lessons_type_idx').on(t.type),
    index('lessons_created_by_idx').on(t.createdBy),
    check('lessons_difficulty_check', oneOf(t.difficulty, DIFFICULTIES)),
    check('lessons_source_check', oneOf(t.source, LESSON_SOURCES)),
    check('lessons_estimated_time_min_check', sql`${t.estimatedTimeMin} > 0`),
    check('lessons_rewards_check', sql`${t.xpReward} >= 0 and ${t.perfectBonus} >= 0`),
    check('lessons_position_check', sql`${t.position} >= 1`),
  ],
);

export const lessonSubModules = pgTable(
  'lesson_sub_modules',
  {
    /** `${lesson.id}--${slug}` for seeded content. */
    id: text('id').primaryKey(),
    lessonId: text('lesson_id')
      .notNull()
      .references(() => lessons.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    type: text('type', { enum: SUB_MODULE_TYPES }).notNull(),
    instructions: text('instructions').notNull().default(''),
    position: integer('position').notNull(),
  },
  (t) => [
    uniqueIndex('lesson_sub_modules_lesson_id_position_idx').on(t.lessonId, t.position),
    check('lesson_sub_modules_type_check', oneOf(t.type, SUB_MODULE_TYPES)),
    check('lesson_sub_modules_position_check', sql`${t.position} >= 0`),
  ],
);

export const contentItems = pgTable(
  'content_items',
  {
    id: text('id').primaryKey(),
    subModuleId: text('sub_module_id')
      .notNull()
      .references(() => lessonSubModules.id, { onDelete: 'cascade' }),
    type: text('type', { enum: CONTENT_ITEM_TYPES }).notNull(),
    value: text('value').notNull(),
    // Nullable: audio, image and interactive items need not have a spoken form or a translation.
    pronunciation: text('pronunciation'),
    translation: text('translation'),
    audioUrl: text('audio_url'),
    imageUrl: text('image_url'),
    hints: text('hints').array().notNull().default([]),
    position: integer('position').notNull(),
  },
  (t) => [
    uniqueIndex('content_items_sub_module_id_position_idx').on(t.subModuleId, t.position),
    check('content_items_type_check', oneOf(t.type, CONTENT_ITEM_TYPES)),
    check('content_items_position_check', sql`${t.position} >= 0`),
  ],
);

/**
 * The exercises of a lesson, scored on the server: derived from the items of seeded lessons
 * (db/seed/exercises.ts), generated with AI lessons.
 */
export const exercises = pgTable(
  'exercises',
  {
    id: uuidPk(),
    lessonId: text('lesson_id')
      .notNull()
      .references(() => lessons.id, { onDelete: 'cascade' }),
    /** The item it practises, when it comes from one: answering it right puts the item in the learner's reviews. */
    contentItemId: text('content_item_id').references(() => contentItems.id, { onDelete: 'cascade' }),
    type: text('type', { enum: EXERCISE_TYPES }).notNull(),
    question: text('question').notNull(),
    options: text('options').array().notNull().default([]),
    /** A string, or several strings where order or multiple answers matter (word_order, match_pairs). */
    correctAnswer: jsonb('correct_answer').$type<string | string[]>().notNull(),
    explanation: text('explanation'),
    nativeText: text('native_text'),
    targetText: text('target_text'),
    hint: text('hint'),
    pairs: jsonb('pairs').$type<ExercisePair[]>().notNull().default([]),
    words: text('words').array().notNull().default([]),
    difficulty: text('difficulty', { enum: DIFFICULTIES }).notNull(),
    position: integer('position').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('exercises_lesson_id_position_idx').on(t.lessonId, t.position),
    index('exercises_content_item_id_idx').on(t.contentItemId),
    check('exercises_type_check', oneOf(t.type, EXERCISE_TYPES)),
    check('exercises_difficulty_check', oneOf(t.difficulty, DIFFICULTIES)),
    check('exercises_position_check', sql`${t.position} >= 0`),
  ],
);

/** Which version of the bundled starter content has been seeded, so the seeder runs each version once. */
export const contentReleases = pgTable('content_releases', {
  version: text('version').primaryKey(),
  appliedAt: instant('applied_at').notNull().defaultNow(),
});

export type Lesson = typeof lessons.$inferSelect;
export type NewLesson = typeof lessons.$inferInsert;
export type LessonSubModule = typeof lessonSubModules.$inferSelect;
export type NewLessonSubModule = typeof lessonSubModules.$inferInsert;
export type ContentItem = typeof contentItems.$inferSelect;
export type NewContentItem = typeof contentItems.$inferInsert;
export type Exercise = typeof exercises.$inferSelect;
export type NewExercise = typeof exercises.$inferInsert;
export type ContentRelease = typeof contentReleases.$inferSelect;
