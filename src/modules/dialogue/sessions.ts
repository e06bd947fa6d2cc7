import { randomUUID } from 'node:crypto';
import { DIALOGUE_TURN_RULES } from '../../db/schema/dialogue.js';
import type { DialogueScore, DialogueSession, DialogueTurn } from '../../db/schema/index.js';
import { AppError } from '../../lib/errors.js';
import { screenText } from '../../lib/safety.js';
import * as repo from './repo.js';
import type {
  ScoreDto,
  SessionDto,
  SessionIdInput,
  StartSessionInput,
  SubmitTurnDto,
  SubmitTurnInput,
  TurnDto,
} from './schema.js';
import { completesScene, DIFFICULTY_SETTINGS, scoreTurn, srsDueAt } from './scoring.js';
import type { DialogueActor, DialogueDeps } from './service.js';

/**
 * Sessions last 30 days (api-contract §9, DIALOGUE_SYSTEM); past that every procedure answers NOT_FOUND.
 * Deleting expired rows (indexed by `expires_at`) is left to a cleanup job.
 */
export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/** What an unsafe turn answers (api-contract §3.11): a zero score for a turn that was never stored. */
const UNSAFE_FEEDBACK = "Let's keep our conversation appropriate and respectful.";
const UNSAFE_COACH_FEEDBACK = 'Please use appropriate language.';

/**
 * `dialogue.startSession`: opens a practice session of a scene for the caller. Starter turns stay with
 * the scene (`getScenes`), they are not copied. NOT_FOUND for an unknown scene.
 */
export async function startSession(
  deps: DialogueDeps,
  actor: DialogueActor,
  input: StartSessionInput,
): Promise<SessionDto> {
  const scene = await repo.findScene(deps.db, input.sceneId);
  if (!scene) throw new AppError('NOT_FOUND', 'Scene not found');
  const now = deps.clock();
  const session = await repo.insertSession(deps.db, {
    userId: actor.userId,
    sceneId: scene.id,
    difficulty: input.difficulty,
    startedAt: now,
    expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
  });
  return toSessionDto(session, []);
}

/**
 * `dialogue.submitTurn`: screens, scores and stores one learner turn. Text with profanity stores nothing
 * and answers the contract's zero score; otherwise the turn is stored with personal data redacted, and
 * scored against the scene's key phrases and goal at the session's difficulty. NOT_FOUND for a session
 * that is not the caller's (or has expired), CONFLICT once the session has ended or holds its
 * difficulty's most turns.
 */
export function submitTurn(
  deps: DialogueDeps,
  actor: DialogueActor,
  input: SubmitTurnInput,
): Promise<SubmitTurnDto> {
  return deps.db.transaction(async (tx) => {
    const { session, scene } = await requireOwnSession(tx, deps, actor, input.sessionId, { lock: true });
    if (session.endedAt) throw new AppError('CONFLICT', 'This session has ended');
    const { maxTurns } = DIFFICULTY_SETTINGS[session.difficulty];
    const position = await repo.countTurns(tx, session.id);
    if (position >= maxTurns)
      throw new AppError('CONFLICT', `This session has reached its limit of ${maxTurns} turns`);

    const verdict = screenText(input.text);
    if (!verdict.safe) {
      deps.log.info(
        { sessionId: session.id, reason: verdict.reason },
        'dialogue turn refused by the safety filter',
      );
      return {
        score: { turnId: randomUUID(), accuracy: 0, fluency: 0, keywordsHit: [], feedback: UNSAFE_FEEDBACK },
        coachFeedback: UNSAFE_COACH_FEEDBACK,
      };
    }

    // A redaction can make the text longer than the learner wrote it; it is stored within the column's bound.
    const text = [...verdict.text].slice(0, DIALOGUE_TURN_RULES.text.max).join('');
    const score = scoreTurn({
      text,
      keyPhrases: scene.keyPhrases,
      goal: scene.goal,
      difficulty: session.difficulty,
    });
    const stored = await repo.insertScoredTurn(
      tx,
      {
        sessionId: session.id,
        role: 'user',
        text,
        lang: input.meta?.lang ?? 'en',
        timeMs: input.meta?.timeMs ?? null,
        position,
      },
      {
        accuracy: score.accuracy,
        fluency: score.fluency,
        semantic: score.semantic,
        keywordsHit: score.keywordsHit,
        feedback: score.feedback,
      },
    );
    return { score: toScoreDto(stored.score), coachFeedback: score.feedback };
  });
}

/**
 * `dialogue.endSession`: ends the caller's session, schedules its review (`srsDueAt`) from the average
 * accuracy of its turns, and records whether it completed the scene. Ending an ended session changes
 * nothing and answers it again (a replayed request). NOT_FOUND for a session that is not the caller's.
 */
export function endSession(
  deps: DialogueDeps,
  actor: DialogueActor,
  input: SessionIdInput,
): Promise<SessionDto> {
  return deps.db.transaction(async (tx) => {
    const { session, scene } = await requireOwnSession(tx, deps, actor, input.sessionId, { lock: true });
    const turns = await repo.findTurnsWithScores(tx, session.id);
    if (session.endedAt) return toSessionDto(session, turns);

    const scores = turns.flatMap(({ score }) => (score ? [score] : []));
    const endedAt = deps.clock();
    const ended = await repo.markSessionEnded(tx, {
      sessionId: session.id,
      endedAt,
      srsDueAt: srsDueAt(
        session.difficulty,
        scores.map((score) => score.accuracy),
        endedAt,
      ),
      completed: completesScene({
        turns: turns.length,
        distinctKeywordsHit: new Set(scores.flatMap((score) => score.keywordsHit)).size,
        keyPhrases: scene.keyPhrases,
        difficulty: session.difficulty,
      }),
    });
    return toSessionDto(ended, turns);
  });
}

/** `dialogue.getTranscript`: the caller's session with its turns and scores. NOT_FOUND otherwise. */
export async function getTranscript(
  deps: DialogueDeps,
  actor: DialogueActor,
  input: SessionIdInput,
): Promise<SessionDto> {
  const { session } = await requireOwnSession(deps.db, deps, actor, input.sessionId);
  return toSessionDto(session, await repo.findTurnsWithScores(deps.db, session.id));
}

/**
 * The caller's live session with its scene, locked for the transaction when `lock` is set. NOT_FOUND for
 * another user's session, an unknown one, and one past its lifetime alike.
 */
async function requireOwnSession(
  db: Parameters<typeof repo.findOwnSession>[0],
  deps: Pick<DialogueDeps, 'clock'>,
  actor: DialogueActor,
  sessionId: string,
  options: { lock?: boolean } = {},
) {
  const found = await repo.findOwnSession(db, {
    sessionId,
    userId: actor.userId,
    now: deps.clock(),
    ...options,
  });
  if (!found) throw new AppError('NOT_FOUND', 'Session not found');
  return found;
}

function toSessionDto(
  session: DialogueSession,
  turns: { turn: DialogueTurn; score: DialogueScore | null }[],
): SessionDto {
  return {
    id: session.id,
    sceneId: session.sceneId,
    startedAt: session.startedAt.getTime(),
    ...(session.endedAt && { endedAt: session.endedAt.getTime() }),
    turns: turns.map(({ turn }) => toTurnDto(turn)),
    scores: turns.flatMap(({ score }) => (score ? [toScoreDto(score)] : [])),
    difficulty: session.difficulty,
    ...(session.srsDueAt && { srsDueAt: session.srsDueAt.getTime() }),
  };
}

function toTurnDto(turn: DialogueTurn): TurnDto {
  return {
    id: turn.id,
    role: turn.role,
    text: turn.text,
    ...(turn.audioUrl !== null && { audioUrl: turn.audioUrl }),
    lang: turn.lang,
    ...(turn.timeMs !== null && { timeMs: turn.timeMs }),
  };
}

function toScoreDto(score: DialogueScore): ScoreDto {
  return {
    turnId: score.turnId,
    accuracy: score.accuracy,
    fluency: score.fluency,
    ...(score.pronunciation !== null && { pronunciation: score.pronunciation }),
    keywordsHit: score.keywordsHit,
    ...(score.feedback !== null && { feedback: score.feedback }),
  };
}
