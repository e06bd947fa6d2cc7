import { DIFFICULTIES } from '../../db/columns.js';
import { addDays } from '../users/local-date.js';

/**
 * The progression rules the app used to apply on the device (api-contract §7.4), now the server's. Pure
 * functions of the numbers the ledger and the activity tables hold.
 */

/** Level 1 at 0 XP, one more per 100 XP. */
export function levelOf(xp: number): number {
  return Math.floor(Math.max(0, xp) / 100) + 1;
}

export const LEAGUES = ['Bronze', 'Silver', 'Gold', 'Platinum', 'Diamond'] as const;
export type League = (typeof LEAGUES)[number];

/** The lowest XP of each league after Bronze: Silver from 501, Gold 1501, Platinum 3001, Diamond 6001. */
const LEAGUE_FLOORS: readonly [League, number][] = [
  ['Diamond', 6001],
  ['Platinum', 3001],
  ['Gold', 1501],
  ['Silver', 501],
];

export function leagueOf(xp: number): League {
  return LEAGUE_FLOORS.find(([, floor]) => xp >= floor)?.[0] ?? 'Bronze';
}

/**
 * The streak after activity on `today` (the user's local date): unchanged on a day already counted, one
 * more the day after the last active day, otherwise a new streak of one. A stored date after today (the
 * user moved west) counts as today, so changing zone can neither break nor double a streak.
 */
export function nextStreak(streak: number, lastActiveDate: string | null, today: string): number {
  if (lastActiveDate !== null && lastActiveDate >= today) return Math.max(streak, 1);
  if (lastActiveDate === addDays(today, -1)) return streak + 1;
  return 1;
}

/** The streak as of `today`: still the stored one on the last active day or the day after, else broken. */
export function currentStreak(streak: number, lastActiveDate: string | null, today: string): number {
  if (lastActiveDate === null) return 0;
  return lastActiveDate >= addDays(today, -1) ? streak : 0;
}

/** The difficulty boost after `completed` lessons: one step per five, at most three. */
export function boostOf(completed: number): number {
  return Math.min(3, Math.floor(completed / 5));
}

/** How many exercises a lesson asks for at a boost, from its base count (at most 20). */
export function exerciseCountFor(base: number, boost: number): number {
  return Math.min(20, base + 3 * boost);
}

/** A lesson's rewards at a boost: XP reward up to 50 more, perfect bonus 5 more per step. */
export function boostedRewards(xpReward: number, perfectBonus: number, boost: number) {
  return { xpReward: xpReward + Math.min(50, 10 * boost), perfectBonus: perfectBonus + 5 * boost };
}

export type Difficulty = (typeof DIFFICULTIES)[number];

/** The difficulty a learner works at: one tier up after 8 completed lessons, two after 15, capped. */
export function effectiveDifficulty(base: Difficulty, completed: number): Difficulty {
  const steps = completed >= 15 ? 2 : completed >= 8 ? 1 : 0;
  const index = Math.min(DIFFICULTIES.indexOf(base) + steps, DIFFICULTIES.length - 1);
  return DIFFICULTIES[index]!;
}

/** XP per chat message answered (§7.4). */
export const XP_PER_CHAT_MESSAGE = 10;

/** XP per correct exercise (§7.4). */
export const XP_PER_CORRECT = 5;
/** The most a submission scored by the client itself (legacy `{id, correct}` answers) can earn. */
export const LEGACY_XP_CAP = 20;
/** The score from which a lesson counts as done: its sub-modules complete, the next lesson opens. */
export const PASS_SCORE = 60;

/**
 * XP for a scored submission: 5 per correct exercise, the lesson's (boosted) reward in proportion to the
 * score, and the perfect bonus for a perfect one. Client-scored (legacy) submissions are capped.
 */
export function submissionXp(params: {
  correct: number;
  score: number;
  xpReward: number;
  perfectBonus: number;
  scoredByServer: boolean;
}): number {
  const xp =
    XP_PER_CORRECT * params.correct +
    Math.round((params.xpReward * params.score) / 100) +
    (params.score === 100 ? params.perfectBonus : 0);
  return params.scoredByServer ? xp : Math.min(xp, LEGACY_XP_CAP);
}

export type MasteryLevel = 'learning' | 'practicing' | 'mastered';

/** Mastery of a lesson (api-contract §3.5): mastered at 100 % with 90 % accuracy, practising from 50 %. */
export function masteryOf(progressPct: number, accuracy: number | null, current: MasteryLevel): MasteryLevel {
  if (progressPct >= 100 && (accuracy ?? 0) >= 90) return 'mastered';
  if (progressPct >= 50) return current === 'mastered' ? 'mastered' : 'practicing';
  return current;
}

/** A running mean after one more sample (`count` includes it). */
export function runningMean(mean: number | null, count: number, sample: number): number {
  if (mean === null || count <= 1) return sample;
  return (mean * (count - 1) + sample) / count;
}
