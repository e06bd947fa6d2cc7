import { describe, expect, it } from 'vitest';
import {
  boostedRewards,
  boostOf,
  currentStreak,
  effectiveDifficulty,
  exerciseCountFor,
  LEGACY_XP_CAP,
  leagueOf,
  levelOf,
  masteryOf,
  nextStreak,
  runningMean,
  submissionXp,
} from './rules.js';

describe('levels and leagues (api-contract §7.4)', () => {
  it.each([
    [0, 1],
    [99, 1],
    [100, 2],
    [1_234, 13],
  ])('%i XP is level %i', (xp, level) => expect(levelOf(xp)).toBe(level));

  it.each([
    [0, 'Bronze'],
    [500, 'Bronze'],
    [501, 'Silver'],
    [1_500, 'Silver'],
    [1_501, 'Gold'],
    [3_000, 'Gold'],
    [3_001, 'Platinum'],
    [6_000, 'Platinum'],
    [6_001, 'Diamond'],
  ])('%i XP is in the %s league', (xp, league) => expect(leagueOf(xp)).toBe(league));
});

describe('streaks on the user’s own days', () => {
  it('grows the day after, holds on the same day, restarts after a gap', () => {
    expect(nextStreak(0, null, '2026-11-30')).toBe(1);
    expect(nextStreak(4, '2026-11-29', '2026-11-30')).toBe(5);
    expect(nextStreak(4, '2026-11-30', '2026-11-30')).toBe(4);
    expect(nextStreak(4, '2026-11-28', '2026-11-30')).toBe(1);
    // Across a month and a year end.
    expect(nextStreak(9, '2026-12-31', '2027-01-01')).toBe(10);
  });

  it('neither breaks nor doubles when the user moves west and their today is before the stored day', () => {
    expect(nextStreak(6, '2026-12-01', '2026-11-30')).toBe(6);
  });

  it('is broken once a whole day has passed without activity', () => {
    expect(currentStreak(6, '2026-11-29', '2026-11-30')).toBe(6);
    expect(currentStreak(6, '2026-11-28', '2026-11-30')).toBe(0);
    expect(currentStreak(0, null, '2026-11-30')).toBe(0);
  });
});

describe('the difficulty boost', () => {
  it.each([
    [0, 0],
    [4, 0],
    [5, 1],
    [10, 2],
    [15, 3],
    [99, 3],
  ])('after %i lessons the boost is %i', (completed, boost) => expect(boostOf(completed)).toBe(boost));

  it('adds three exercises, 10 XP and 5 bonus per step, within the caps', () => {
    expect(exerciseCountFor(6, 0)).toBe(6);
    expect(exerciseCountFor(6, 3)).toBe(15);
    expect(exerciseCountFor(15, 3)).toBe(20);
    expect(boostedRewards(50, 10, 2)).toEqual({ xpReward: 70, perfectBonus: 20 });
    expect(boostedRewards(50, 10, 3)).toEqual({ xpReward: 80, perfectBonus: 25 });
  });

  it('raises the working difficulty a tier at 8 lessons and two at 15, never past the top', () => {
    expect(effectiveDifficulty('beginner', 7)).toBe('beginner');
    expect(effectiveDifficulty('beginner', 8)).toBe('intermediate');
    expect(effectiveDifficulty('beginner', 15)).toBe('advanced');
    expect(effectiveDifficulty('advanced', 15)).toBe('expert');
  });
});

describe('XP of a submission', () => {
  it('pays 5 per correct answer, the reward by score and the bonus when perfect', () => {
    expect(
      submissionXp({ correct: 6, score: 100, xpReward: 50, perfectBonus: 10, scoredByServer: true }),
    ).toBe(90);
    expect(
      submissionXp({ correct: 3, score: 50, xpReward: 50, perfectBonus: 10, scoredByServer: true }),
    ).toBe(40);
  });

  it('caps what a client-scored submission earns', () => {
    expect(
      submissionXp({ correct: 6, score: 100, xpReward: 50, perfectBonus: 10, scoredByServer: false }),
    ).toBe(LEGACY_XP_CAP);
  });
});

describe('mastery and accuracy', () => {
  it('follows the ladder of api-contract §3.5', () => {
    expect(masteryOf(40, 95, 'learning')).toBe('learning');
    expect(masteryOf(50, 40, 'learning')).toBe('practicing');
    expect(masteryOf(100, 89, 'learning')).toBe('practicing');
    expect(masteryOf(100, 90, 'practicing')).toBe('mastered');
  });

  it('keeps a running mean', () => {
    expect(runningMean(null, 1, 80)).toBe(80);
    expect(runningMean(80, 2, 100)).toBe(90);
  });
});
