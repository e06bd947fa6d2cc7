import { createHash } from 'node:crypto';
import type { Db } from '../../db/client.js';
import type { DialogueScene } from '../../db/schema/index.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import * as repo from './repo.js';
import type {
  GetScenesInput,
  SceneDto,
  ScoreSemanticInput,
  SemanticScoreDto,
  TopicDto,
  TopicProgressDto,
} from './schema.js';
import { semanticFeedback, semanticScore } from './scoring.js';

/** What the dialogue module needs: the database, the log (safety events) and the clock. */
export interface DialogueDeps {
  db: Db;
  log: Logger;
  clock: () => Date;
}

/** Who is acting: dialogue sessions belong to a signed-in user. */
export interface DialogueActor {
  userId: string;
}

/**
 * `dialogue.getTopics`: the topic catalogue with each topic's scene count. The same for every caller, so
 * it is publicly cacheable: `completedCount` is 0 here, and a signed-in caller's own counts come from
 * `getTopicProgress`.
 */
export async function getTopics(deps: Pick<DialogueDeps, 'db'>): Promise<TopicDto[]> {
  const topics = await repo.findTopics(deps.db);
  return topics.map((topic) => ({
    id: topic.id,
    title: topic.title,
    ...(topic.description !== null && { description: topic.description }),
    ...(topic.icon !== null && { icon: topic.icon }),
    sceneCount: topic.sceneCount,
    completedCount: 0,
  }));
}

/** `dialogue.getScenes`: the scenes of one topic in course order. NOT_FOUND for an unknown topic. */
export async function getScenes(deps: Pick<DialogueDeps, 'db'>, input: GetScenesInput): Promise<SceneDto[]> {
  const scenes = await repo.findScenesOfTopic(deps.db, input.topicId);
  if (scenes.length === 0 && !(await repo.topicExists(deps.db, input.topicId)))
    throw new AppError('NOT_FOUND', 'Topic not found');
  return scenes.map(toSceneDto);
}

/**
 * `dialogue.getTopicProgress`: for every topic, how many of its scenes the caller has completed (ended a
 * session having used the key phrases its difficulty requires).
 */
export async function getTopicProgress(
  deps: Pick<DialogueDeps, 'db'>,
  actor: DialogueActor,
): Promise<TopicProgressDto[]> {
  const [topics, completed] = await Promise.all([
    repo.findTopics(deps.db),
    repo.findCompletedScenesByTopic(deps.db, actor.userId),
  ]);
  const completedByTopic = new Map(completed.map((row) => [row.topicId, row.completed]));
  return topics.map((topic) => ({
    topicId: topic.id,
    sceneCount: topic.sceneCount,
    completedCount: completedByTopic.get(topic.id) ?? 0,
  }));
}

/**
 * `dialogue.scoreSemantic`: how much of a goal a text covers, with the contract's feedback. A pure
 * function of its input (no user, no storage).
 */
export function scoreSemantic(input: ScoreSemanticInput): SemanticScoreDto {
  const semantic = Math.round(semanticScore(input.text, input.goal) * 1000) / 1000;
  return { semantic, feedback: semanticFeedback(semantic) };
}

/**
 * A starter turn's id: a name-based UUID of its scene and position, so it is stable across reads and
 * re-seeding without being stored.
 */
export function starterTurnId(sceneId: string, index: number): string {
  const hash = createHash('sha1').update(`dialogue-starter-turn:${sceneId}:${index}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function toSceneDto(scene: DialogueScene): SceneDto {
  return {
    id: scene.id,
    topicId: scene.topicId,
    title: scene.title,
    ...(scene.description !== null && { description: scene.description }),
    level: scene.level,
    goal: scene.goal,
    starterTurns: scene.starterTurns.map((turn, index) => ({
      id: starterTurnId(scene.id, index),
      role: turn.role,
      text: turn.text,
      lang: turn.lang,
      ...(turn.audioUrl !== undefined && { audioUrl: turn.audioUrl }),
    })),
    keyPhrases: scene.keyPhrases,
    tags: scene.tags,
  };
}
