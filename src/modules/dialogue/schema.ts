import { z } from 'zod';
import { PROFICIENCY_LEVELS } from '../../db/columns.js';
import { boundedInt, boundedText, oneOfValues, patternText } from '../../db/rules.js';
import {
  type DIALOGUE_ROLES,
  DIALOGUE_TURN_RULES,
  dialogueSessions,
  dialogueTurns,
} from '../../db/schema/dialogue.js';
import { text } from '../../lib/text-input.js';

/** Inputs and wire shapes of api-contract §3.11. */

export const getScenesInput = z.object({ topicId: z.uuid() });
export type GetScenesInput = z.infer<typeof getScenesInput>;

export const startSessionInput = z.object({
  sceneId: z.uuid(),
  difficulty: oneOfValues(PROFICIENCY_LEVELS, dialogueSessions.difficulty),
});
export type StartSessionInput = z.infer<typeof startSessionInput>;

/**
 * `meta` is a free-form object in the contract; the keys the server uses are read and checked, any
 * others are dropped. `timeMs` is how long the turn took (a duration, not a timestamp).
 */
export const turnMetaInput = z.object({
  timeMs: boundedInt(DIALOGUE_TURN_RULES.timeMs, dialogueTurns.timeMs).optional(),
  lang: patternText(DIALOGUE_TURN_RULES.lang, dialogueTurns.lang).optional(),
});

export const submitTurnInput = z.object({
  sessionId: z.uuid(),
  text: boundedText(DIALOGUE_TURN_RULES.text, dialogueTurns.text),
  meta: turnMetaInput.optional(),
});
export type SubmitTurnInput = z.infer<typeof submitTurnInput>;

export const sessionIdInput = z.object({ sessionId: z.uuid() });
export type SessionIdInput = z.infer<typeof sessionIdInput>;

export const scoreSemanticInput = z.object({
  text: text().trim().min(1).max(DIALOGUE_TURN_RULES.text.max),
  goal: text().max(2000),
  // Not used by the scorer (the contract ignores it too); bounded, and not restricted to a format.
  lang: text().max(35),
});
export type ScoreSemanticInput = z.infer<typeof scoreSemanticInput>;

export type DialogueRole = (typeof DIALOGUE_ROLES)[number];
export type DialogueLevel = (typeof PROFICIENCY_LEVELS)[number];

export interface TurnDto {
  id: string;
  role: DialogueRole;
  text: string;
  audioUrl?: string;
  lang: string;
  /** How long the turn took, in ms. */
  timeMs?: number;
}

export interface SceneDto {
  id: string;
  topicId: string;
  title: string;
  description?: string;
  level: DialogueLevel;
  goal: string;
  starterTurns: TurnDto[];
  keyPhrases: string[];
  tags: string[];
}

export const topicDto = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().optional(),
  icon: z.string().optional(),
  sceneCount: z.number(),
  /** Always 0 here: the catalogue is the same for everyone; `dialogue.getTopicProgress` has the caller's. */
  completedCount: z.number(),
});
export type TopicDto = z.infer<typeof topicDto>;

export interface TopicProgressDto {
  topicId: string;
  sceneCount: number;
  /** Scenes of the topic the caller has completed at least once. */
  completedCount: number;
}

export interface ScoreDto {
  turnId: string;
  accuracy: number;
  fluency: number;
  pronunciation?: number;
  keywordsHit: string[];
  feedback?: string;
}

export interface SessionDto {
  id: string;
  sceneId: string;
  /** Epoch ms. */
  startedAt: number;
  endedAt?: number;
  turns: TurnDto[];
  scores: ScoreDto[];
  difficulty: DialogueLevel;
  /** Epoch ms: when the scene is due for review, set when the session ends. */
  srsDueAt?: number;
}

export interface SubmitTurnDto {
  score: ScoreDto;
  coachFeedback: string;
}

export interface SemanticScoreDto {
  semantic: number;
  feedback: string;
}
