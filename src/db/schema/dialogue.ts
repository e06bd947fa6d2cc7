import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { LANGUAGE_CODE_MESSAGE, LANGUAGE_CODE_PATTERN } from '../../lib/text-input.js';
import { createdAt, instant, oneOf, PROFICIENCY_LEVELS, uuidPk } from '../columns.js';
import { intRule, patternRule, ruleChecks, textRule } from '../rules.js';
import { userIdRef } from './users.js';

export const DIALOGUE_ROLES = ['system', 'coach', 'user', 'npc'] as const;

/** What clients may write into dialogue_turns' columns: the checks below and the Zod inputs share these. */
export const DIALOGUE_TURN_RULES = {
  text: textRule(1, 2000),
  lang: patternRule(LANGUAGE_CODE_PATTERN, 16, LANGUAGE_CODE_MESSAGE),
  /** How long the turn took, at most ten minutes. */
  timeMs: intRule(0, 600_000),
} as const;

export interface DialogueStarterTurn {
  role: (typeof DIALOGUE_ROLES)[number];
  text: string;
  lang: string;
  audioUrl?: string;
}

export const dialogueTopics = pgTable(
  'dialogue_topics',
  {
    // No default: topics are seeded with fixed UUIDs so that re-seeding upserts the same rows.
    id: uuid('id').primaryKey(),
    title: text('title').notNull(),
    description: text('description'),
    icon: text('icon'),
    position: integer('position').notNull().default(0),
  },
  (t) => [check('dialogue_topics_position_check', sql`${t.position} >= 0`)],
);

export const dialogueScenes = pgTable(
  'dialogue_scenes',
  {
    // Seeded scenes pass fixed UUIDs; the default is for scenes created at run time.
    id: uuidPk(),
    topicId: uuid('topic_id')
      .notNull()
      .references(() => dialogueTopics.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description'),
    level: text('level', { enum: PROFICIENCY_LEVELS }).notNull(),
    goal: text('goal').notNull(),
    keyPhrases: text('key_phrases').array().notNull().default([]),
    tags: text('tags').array().notNull().default([]),
    starterTurns: jsonb('starter_turns').$type<DialogueStarterTurn[]>().notNull().default([]),
    position: integer('position').notNull().default(0),
  },
  (t) => [
    index('dialogue_scenes_topic_id_position_idx').on(t.topicId, t.position),
    check('dialogue_scenes_level_check', oneOf(t.level, PROFICIENCY_LEVELS)),
    check('dialogue_scenes_position_check', sql`${t.position} >= 0`),
  ],
);

export const dialogueSessions = pgTable(
  'dialogue_sessions',
  {
    id: uuidPk(),
    userId: userIdRef(),
    // No cascade: a scene that learners have practised is retired, not deleted.
    sceneId: uuid('scene_id')
      .notNull()
      .references(() => dialogueScenes.id),
    difficulty: text('difficulty', { enum: PROFICIENCY_LEVELS }).notNull(),
    startedAt: instant('started_at').notNull().defaultNow(),
    endedAt: instant('ended_at'),
    srsDueAt: instant('srs_due_at'),
    /** Set when the session ends having used the key phrases its difficulty requires. */
    completed: boolean('completed').notNull().default(false),
    /** Sessions are kept for 30 days. */
    expiresAt: instant('expires_at').notNull().default(sql`now() + interval '30 days'`),
  },
  (t) => [
    index('dialogue_sessions_user_id_started_at_idx').on(t.userId, t.startedAt),
    index('dialogue_sessions_user_id_srs_due_at_idx').on(t.userId, t.srsDueAt),
    index('dialogue_sessions_scene_id_idx').on(t.sceneId),
    index('dialogue_sessions_expires_at_idx').on(t.expiresAt),
    check('dialogue_sessions_difficulty_check', oneOf(t.difficulty, PROFICIENCY_LEVELS)),
    check('dialogue_sessions_ended_at_check', sql`${t.endedAt} >= ${t.startedAt}`),
  ],
);

export const dialogueTurns = pgTable(
  'dialogue_turns',
  {
    id: uuidPk(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => dialogueSessions.id, { onDelete: 'cascade' }),
    role: text('role', { enum: DIALOGUE_ROLES }).notNull(),
    text: text('text').notNull(),
    audioUrl: text('audio_url'),
    lang: text('lang').notNull(),
    /** How long the turn took to say, in ms (a duration, not a timestamp). */
    timeMs: integer('time_ms'),
    position: integer('position').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('dialogue_turns_session_id_position_idx').on(t.sessionId, t.position),
    check('dialogue_turns_role_check', oneOf(t.role, DIALOGUE_ROLES)),
    ...ruleChecks<keyof typeof DIALOGUE_TURN_RULES>('dialogue_turns', t, DIALOGUE_TURN_RULES),
    check('dialogue_turns_position_check', sql`${t.position} >= 0`),
  ],
);

/** The score of one learner turn; all components are fractions in [0, 1]. */
export const dialogueScores = pgTable(
  'dialogue_scores',
  {
    turnId: uuid('turn_id')
      .primaryKey()
      .references(() => dialogueTurns.id, { onDelete: 'cascade' }),
    accuracy: real('accuracy').notNull(),
    fluency: real('fluency').notNull(),
    pronunciation: real('pronunciation'),
    semantic: real('semantic'),
    keywordsHit: text('keywords_hit').array().notNull().default([]),
    feedback: text('feedback'),
  },
  (t) => [
    check(
      'dialogue_scores_range_check',
      sql.join(
        [t.accuracy, t.fluency, t.pronunciation, t.semantic].map((c) => sql`${c} between 0 and 1`),
        sql` and `,
      ),
    ),
  ],
);

export type DialogueTopic = typeof dialogueTopics.$inferSelect;
export type NewDialogueTopic = typeof dialogueTopics.$inferInsert;
export type DialogueScene = typeof dialogueScenes.$inferSelect;
export type NewDialogueScene = typeof dialogueScenes.$inferInsert;
export type DialogueSession = typeof dialogueSessions.$inferSelect;
export type NewDialogueSession = typeof dialogueSessions.$inferInsert;
export type DialogueTurn = typeof dialogueTurns.$inferSelect;
export type NewDialogueTurn = typeof dialogueTurns.$inferInsert;
export type DialogueScore = typeof dialogueScores.$inferSelect;
export type NewDialogueScore = typeof dialogueScores.$inferInsert;
