import { createHash } from 'node:crypto';
import type { Tx } from '../../db/client.js';
import type { DailyChallengeDefinition } from '../../db/schema/index.js';
import { PASS_SCORE } from '../gamification/rules.js';
import { addDays, startOfDate } from '../users/local-date.js';
import * as repo from './practice-repo.js';

/** What a learner did on one of their days, as the challenges measure it. */
export interface DayActivity {
  /** Attempts that passed. */
  lessonsCompleted: number;
  bestScore: number;
  perfectLessons: number;
  /** Passed attempts finished within SPEED_SECONDS. */
  fastLessons: number;
  practised: boolean;
}

const SPEED_SECONDS = 180;

interface Template extends DailyChallengeDefinition {
  measure: (day: DayActivity) => number;
}

/** The contract's two standing challenges, then the rotating ones; each is a pure measure of the day. */
const PRACTICE: Template = {
  id: 'daily-practice',
  type: 'practice',
  description: 'Complete 3 lessons today',
  target: 3,
  xpReward: 100,
  measure: (day) => day.lessonsCompleted,
};
const ACCURACY: Template = {
  id: 'accuracy-challenge',
  type: 'accuracy',
  description: 'Achieve 90% accuracy in any lesson',
  target: 90,
  xpReward: 50,
  measure: (day) => day.bestScore,
};
const ROTATING: Template[] = [
  {
    id: 'perfect-lesson',
    type: 'perfect',
    description: 'Finish a lesson without a single mistake',
    target: 1,
    xpReward: 75,
    measure: (day) => day.perfectLessons,
  },
  {
    id: 'speed-lesson',
    type: 'speed',
    description: 'Complete a lesson in under 3 minutes',
    target: 1,
    xpReward: 60,
    measure: (day) => day.fastLessons,
  },
  {
    id: 'keep-streak',
    type: 'streak',
    description: 'Practise today to keep your streak alive',
    target: 1,
    xpReward: 25,
    measure: (day) => (day.practised ? 1 : 0),
  },
];
const TEMPLATES = new Map([PRACTICE, ACCURACY, ...ROTATING].map((template) => [template.id, template]));

/** A user's challenges for a day: the two standing ones and one rotating one, the same every time asked. */
export function drawChallenges(userId: string, date: string) {
  const pick = createHash('sha256').update(`${userId}:${date}`).digest().readUInt32BE(0) % ROTATING.length;
  const challenges = [PRACTICE, ACCURACY, ROTATING[pick]!].map(
    ({ measure: _measure, ...definition }) => definition,
  );
  return { challenges, totalXpReward: challenges.reduce((sum, challenge) => sum + challenge.xpReward, 0) };
}

/** How far a day's activity went towards a challenge (at most its target). */
export function progressOf(challenge: DailyChallengeDefinition, day: DayActivity): number {
  const template = TEMPLATES.get(challenge.id);
  return Math.min(challenge.target, template ? template.measure(day) : 0);
}

/** What the user did on their local day `date`. */
export async function dayActivity(
  db: Parameters<typeof repo.attemptsBetween>[0],
  userId: string,
  timeZone: string,
  date: string,
): Promise<DayActivity> {
  const attempts = await repo.attemptsBetween(
    db,
    userId,
    startOfDate(timeZone, date),
    startOfDate(timeZone, addDays(date, 1)),
  );
  const passed = attempts.filter((attempt) => attempt.score >= PASS_SCORE);
  return {
    lessonsCompleted: passed.length,
    bestScore: Math.max(0, ...attempts.map((attempt) => attempt.score)),
    perfectLessons: attempts.filter((attempt) => attempt.score === 100).length,
    fastLessons: passed.filter((attempt) => attempt.timeSpentSec > 0 && attempt.timeSpentSec <= SPEED_SECONDS)
      .length,
    practised: attempts.length > 0,
  };
}

/**
 * Pays the challenges of the user's day that its activity (this submission included) has just completed,
 * once each: returns the XP to credit. Runs in the submission's transaction.
 */
export async function completeChallenges(tx: Tx, userId: string, timeZone: string, date: string, at: Date) {
  const set = await repo.challengeSetOf(tx, userId, date, () => drawChallenges(userId, date));
  const day = await dayActivity(tx, userId, timeZone, date);
  const reached = set.challenges
    .map((challenge) => ({ ...challenge, current: progressOf(challenge, day) }))
    .filter((challenge) => challenge.current >= challenge.target);
  const fresh = await repo.completeChallenges(tx, { userId, date, at, reached });
  return reached
    .filter((challenge) => fresh.includes(challenge.id))
    .map((challenge) => ({ amount: challenge.xpReward, refId: `${date}:${challenge.id}` }));
}
