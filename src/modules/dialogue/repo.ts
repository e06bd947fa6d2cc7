import { and, asc, count, countDistinct, eq, gt } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import {
  type DialogueScene,
  type DialogueScore,
  type DialogueSession,
  type DialogueTopic,
  type DialogueTurn,
  dialogueScenes,
  dialogueScores,
  dialogueSessions,
  dialogueTopics,
  dialogueTurns,
  type NewDialogueScore,
  type NewDialogueSession,
  type NewDialogueTurn,
} from '../../db/schema/index.js';

export type TopicWithSceneCount = DialogueTopic & { sceneCount: number };

/** Every topic in catalogue order, with how many scenes it has. */
export function findTopics(db: Db | Tx): Promise<TopicWithSceneCount[]> {
  return db
    .select({
      id: dialogueTopics.id,
      title: dialogueTopics.title,
      description: dialogueTopics.description,
      icon: dialogueTopics.icon,
      position: dialogueTopics.position,
      sceneCount: count(dialogueScenes.id),
    })
    .from(dialogueTopics)
    .leftJoin(dialogueScenes, eq(dialogueScenes.topicId, dialogueTopics.id))
    .groupBy(dialogueTopics.id)
    .orderBy(asc(dialogueTopics.position), asc(dialogueTopics.id));
}

export async function topicExists(db: Db | Tx, topicId: string): Promise<boolean> {
  const rows = await db
    .select({ id: dialogueTopics.id })
    .from(dialogueTopics)
    .where(eq(dialogueTopics.id, topicId))
    .limit(1);
  return rows.length > 0;
}

/** The scenes of one topic in course order. */
export function findScenesOfTopic(db: Db | Tx, topicId: string): Promise<DialogueScene[]> {
  return db
    .select()
    .from(dialogueScenes)
    .where(eq(dialogueScenes.topicId, topicId))
    .orderBy(asc(dialogueScenes.position), asc(dialogueScenes.id));
}

export async function findScene(db: Db | Tx, sceneId: string): Promise<DialogueScene | null> {
  const [scene] = await db.select().from(dialogueScenes).where(eq(dialogueScenes.id, sceneId)).limit(1);
  return scene ?? null;
}

/** Per topic, how many distinct scenes the user has completed in at least one session. */
export function findCompletedScenesByTopic(
  db: Db | Tx,
  userId: string,
): Promise<{ topicId: string; completed: number }[]> {
  return db
    .select({ topicId: dialogueScenes.topicId, completed: countDistinct(dialogueSessions.sceneId) })
    .from(dialogueSessions)
    .innerJoin(dialogueScenes, eq(dialogueScenes.id, dialogueSessions.sceneId))
    .where(and(eq(dialogueSessions.userId, userId), eq(dialogueSessions.completed, true)))
    .groupBy(dialogueScenes.topicId);
}

export async function insertSession(tx: Db | Tx, values: NewDialogueSession): Promise<DialogueSession> {
  const [session] = await tx.insert(dialogueSessions).values(values).returning();
  return session!;
}

export type SessionWithScene = { session: DialogueSession; scene: DialogueScene };

/**
 * One of the user's sessions that has not expired, with its scene; null for another user's, an expired
 * or an unknown id alike. `lock` takes the session's row lock until the transaction ends, so that turns
 * of one session are numbered and counted one at a time.
 */
export async function findOwnSession(
  db: Db | Tx,
  params: { sessionId: string; userId: string; now: Date; lock?: boolean },
): Promise<SessionWithScene | null> {
  const query = db
    .select({ session: dialogueSessions, scene: dialogueScenes })
    .from(dialogueSessions)
    .innerJoin(dialogueScenes, eq(dialogueScenes.id, dialogueSessions.sceneId))
    .where(
      and(
        eq(dialogueSessions.id, params.sessionId),
        eq(dialogueSessions.userId, params.userId),
        gt(dialogueSessions.expiresAt, params.now),
      ),
    )
    .limit(1);
  const [row] = await (params.lock ? query.for('update', { of: dialogueSessions }) : query);
  return row ?? null;
}

/** How many turns a session holds, which is also the next turn's position (0, 1, 2… without gaps). */
export async function countTurns(db: Db | Tx, sessionId: string): Promise<number> {
  const [row] = await db
    .select({ turns: count() })
    .from(dialogueTurns)
    .where(eq(dialogueTurns.sessionId, sessionId));
  return row?.turns ?? 0;
}

export async function insertScoredTurn(
  tx: Tx,
  turn: NewDialogueTurn,
  score: Omit<NewDialogueScore, 'turnId'>,
): Promise<{ turn: DialogueTurn; score: DialogueScore }> {
  const [stored] = await tx.insert(dialogueTurns).values(turn).returning();
  const [storedScore] = await tx
    .insert(dialogueScores)
    .values({ ...score, turnId: stored!.id })
    .returning();
  return { turn: stored!, score: storedScore! };
}

/** A session's turns in order, each with its score (turns the server scored always have one). */
export function findTurnsWithScores(
  db: Db | Tx,
  sessionId: string,
): Promise<{ turn: DialogueTurn; score: DialogueScore | null }[]> {
  return db
    .select({ turn: dialogueTurns, score: dialogueScores })
    .from(dialogueTurns)
    .leftJoin(dialogueScores, eq(dialogueScores.turnId, dialogueTurns.id))
    .where(eq(dialogueTurns.sessionId, sessionId))
    .orderBy(asc(dialogueTurns.position));
}

export async function markSessionEnded(
  tx: Tx,
  params: { sessionId: string; endedAt: Date; srsDueAt: Date; completed: boolean },
): Promise<DialogueSession> {
  const [session] = await tx
    .update(dialogueSessions)
    .set({ endedAt: params.endedAt, srsDueAt: params.srsDueAt, completed: params.completed })
    .where(eq(dialogueSessions.id, params.sessionId))
    .returning();
  return session!;
}
