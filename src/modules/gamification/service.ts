import type { Db, Tx } from '../../db/client.js';
import { readAll } from '../../db/reads.js';
import type { Achievement, Badge, XP_SOURCES } from '../../db/schema/index.js';
import { CONTENT_VERSION } from '../../db/seed/content/index.js';
import { AppError } from '../../lib/errors.js';
import { Memo } from '../../lib/memo.js';
import { localDate } from '../users/local-date.js';
import { type RankingUpdate, rankingPeriods } from './periods.js';
import * as repo from './repo.js';
import { leagueOf, levelOf, nextStreak } from './rules.js';

export type XpSource = (typeof XP_SOURCES)[number];

/** Something a learner did, as progression counts it. */
export interface Activity {
  userId: string;
  at: Date;
  /** The user's IANA zone: streak days are their days. */
  timeZone: string;
  /** The language practised, if any: it gets the XP and minutes, and a language badge. */
  language?: string;
  minutes?: number;
  xp: { amount: number; source: XpSource; refId: string }[];
  lessonsCompleted?: number;
  wordsLearned?: number;
}

export interface UnlockedBadge {
  id: string;
  name: string;
  description: string;
  icon: string;
}

export interface UnlockedAchievement {
  id: string;
  title: string;
  description: string;
  icon: string;
  rarity: Achievement['rarity'];
  xpReward: number;
}

export interface ActivityOutcome {
  /** XP this activity earned, achievement rewards included. */
  xpEarned: number;
  totals: {
    xp: number;
    level: number;
    league: string;
    streakDays: number;
    lessonsCompleted: number;
    wordsLearned: number;
  };
  unlocked: { badges: UnlockedBadge[]; achievements: UnlockedAchievement[] };
  /** The user's new scores, for the leaderboards once the transaction has committed. */
  rankings: RankingUpdate;
}

/** Rounds of unlocking: an achievement's XP can unlock an XP achievement, whose XP can unlock another. */
const MAX_UNLOCK_ROUNDS = 4;

const CATALOGUE_MEMO = { max: 4, ttlMs: 10 * 60_000 };
const badgeCatalogue = new Memo<Badge[]>(CATALOGUE_MEMO);
const achievementCatalogue = new Memo<Achievement[]>(CATALOGUE_MEMO);

/** A user's progression counters, locked for the rest of the transaction (see `lockLearner`). */
export type LockedCounters = NonNullable<Awaited<ReturnType<typeof repo.lockStats>>>;

/**
 * Applies an activity inside the caller's transaction, with the user's counters locked: the XP ledger and
 * its total, the streak (on the user's local day), lessons and words, the language's progress, and every
 * badge and achievement it unlocks (achievement rewards are paid into the ledger too). Returns what
 * changed; the caller hands `rankings` to the leaderboards after commit. Pass the counters `lockLearner`
 * returned when the caller took the lock already. NOT_FOUND for an unknown user.
 */
export async function recordActivity(
  deps: { db: Tx },
  activity: Activity,
  locked?: LockedCounters,
): Promise<ActivityOutcome> {
  const tx = deps.db;
  const stats = locked ?? (await lockLearner(deps, activity.userId));
  const today = localDate(activity.timeZone, activity.at);
  const streakDays = nextStreak(stats.streakDays, stats.lastActiveDate, today);
  const lastActiveDate =
    stats.lastActiveDate !== null && stats.lastActiveDate > today ? stats.lastActiveDate : today;
  const periods = rankingPeriods(activity.at);
  const catalogue = await catalogues(tx);
  const state = await repo.progressionState(tx, activity.userId, {
    week: periods.week.start,
    month: periods.month.start,
  });

  const earned = activity.xp.filter((entry) => entry.amount > 0);
  const earnedXp = sum(earned.map((entry) => entry.amount));
  await repo.insertXpEvents(
    tx,
    earned.map((entry) => ({ userId: activity.userId, ...entry, createdAt: activity.at })),
  );
  const totals = {
    xp: stats.xpPoints + earnedXp,
    streakDays,
    lessonsCompleted: stats.lessonsCompleted + (activity.lessonsCompleted ?? 0),
    wordsLearned: stats.wordsLearned + (activity.wordsLearned ?? 0),
  };
  const languages = [...state.languages];
  if (activity.language) {
    await repo.addLanguageProgress(tx, {
      userId: activity.userId,
      language: activity.language,
      xp: earnedXp,
      minutes: activity.minutes ?? 0,
      today,
      streakDays,
    });
    if (!languages.includes(activity.language)) languages.push(activity.language);
  }

  const unlocked = await unlockEarned(tx, activity, catalogue, {
    state: { ...state, languages },
    counters: { ...totals, totalChats: stats.totalChats },
  });
  totals.xp += unlocked.rewardXp;
  await repo.updateStats(tx, activity.userId, {
    xpPoints: totals.xp,
    streakDays: totals.streakDays,
    lastActiveDate,
    lessonsCompleted: totals.lessonsCompleted,
    wordsLearned: totals.wordsLearned,
  });

  const xpEarned = earnedXp + unlocked.rewardXp;
  return {
    xpEarned,
    totals: { ...totals, level: levelOf(totals.xp), league: leagueOf(totals.xp) },
    unlocked: { badges: unlocked.badges, achievements: unlocked.achievements },
    rankings: {
      userId: activity.userId,
      at: activity.at,
      xp: totals.xp,
      // Every entry of this activity is dated `at`, inside both periods.
      weekXp: state.weekXp + xpEarned,
      monthXp: state.monthXp + xpEarned,
      streak: totals.streakDays,
      lessons: totals.lessonsCompleted,
      languages: languages.length,
    },
  };
}

/** The badge and achievement catalogues: seeded content, read once per process and content version. */
async function catalogues(db: Tx) {
  const [badges, achievements] = await readAll(db, [
    () => badgeCatalogue.get(CONTENT_VERSION, () => repo.badgeCatalogue(db)),
    () => achievementCatalogue.get(CONTENT_VERSION, () => repo.achievementCatalogue(db)),
  ]);
  return { badges, achievements };
}

interface Counters {
  xp: number;
  streakDays: number;
  lessonsCompleted: number;
  wordsLearned: number;
  totalChats: number;
}

async function unlockEarned(
  tx: Tx,
  activity: Activity,
  catalogue: { badges: Badge[]; achievements: Achievement[] },
  { state, counters }: { state: repo.ProgressionState; counters: Counters },
) {
  const scores = state.recentScores;
  const figures = {
    perfectLessons: state.perfectLessons,
    averageAccuracyLast10Lessons: scores.length < 10 ? 0 : sum(scores) / scores.length,
  };
  const heldBadges = new Set(state.badges);
  const unlockedAchievements = new Set(state.achievements);
  const badgesWon: Badge[] = [];
  const achievementsWon: Achievement[] = [];
  let rewardXp = 0;

  for (let round = 0; round < MAX_UNLOCK_ROUNDS; round++) {
    const values: Record<string, number> = {
      ...counters,
      xp: counters.xp + rewardXp,
      badgesCount: heldBadges.size,
      ...figures,
    };
    const due = catalogue.badges.filter(
      (badge) =>
        !heldBadges.has(badge.id) &&
        (badge.type === 'language'
          ? state.languages.includes(badge.id.replace(/^lang_flag_/, ''))
          : (values[badge.type] ?? 0) >= badge.requiredValue),
    );
    const awarded = await repo.awardBadges(
      tx,
      activity.userId,
      due.map((badge) => badge.id),
      activity.at,
    );
    for (const id of awarded) heldBadges.add(id);
    badgesWon.push(...due.filter((badge) => awarded.includes(badge.id)));

    const open = catalogue.achievements.filter((achievement) => !unlockedAchievements.has(achievement.id));
    const progress = open.map((achievement) => {
      const value = Math.floor(values[achievement.requirement.type] ?? 0);
      const reached = value >= achievement.requirement.value;
      return { achievement, value, reached };
    });
    await repo.saveAchievementProgress(
      tx,
      activity.userId,
      progress.map(({ achievement, value, reached }) => ({
        achievementId: achievement.id,
        progress: Math.min(Math.max(value, 0), achievement.requirement.value),
        maxProgress: achievement.requirement.value,
        unlockedAt: reached ? activity.at : null,
      })),
    );
    const reached = progress.filter((entry) => entry.reached).map((entry) => entry.achievement);
    for (const achievement of reached) unlockedAchievements.add(achievement.id);
    const rewards = reached.filter((achievement) => achievement.reward.xp > 0);
    await repo.insertXpEvents(
      tx,
      rewards.map((achievement) => ({
        userId: activity.userId,
        amount: achievement.reward.xp,
        source: 'achievement' as const,
        refId: achievement.id,
        createdAt: activity.at,
      })),
    );
    achievementsWon.push(...reached);
    rewardXp += sum(rewards.map((achievement) => achievement.reward.xp));
    if (awarded.length === 0 && reached.length === 0) break;
  }

  return {
    rewardXp,
    badges: badgesWon.map(({ id, name, description, icon }) => ({ id, name, description, icon })),
    achievements: achievementsWon.map((achievement) => ({
      id: achievement.id,
      title: achievement.title,
      description: achievement.description,
      icon: achievement.icon,
      rarity: achievement.rarity,
      xpReward: achievement.reward.xp,
    })),
  };
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Ids of the achievements a user has unlocked, oldest first. */
export async function unlockedAchievementIds(deps: { db: Db | Tx }, userId: string): Promise<string[]> {
  return repo.unlockedAchievementIds(deps.db, userId);
}

/**
 * Takes the lock on a user's progression counters for the rest of the caller's transaction, so that one
 * user's submissions apply one at a time, and returns them (for `recordActivity`). NOT_FOUND for an
 * unknown user.
 */
export async function lockLearner(deps: { db: Tx }, userId: string): Promise<LockedCounters> {
  const counters = await repo.lockStats(deps.db, userId);
  if (!counters) throw new AppError('NOT_FOUND', 'User not found');
  return counters;
}
