import type { Db, Tx } from '../../db/client.js';
import { readAll } from '../../db/reads.js';
import type { Achievement, Badge, XP_SOURCES } from '../../db/schema/index.js';
import { CONTENT_VERSION } from '../../db/seed/content/index.js';
import { WriteBatch } from '../../db/write-batch.js';
import { AppError } from '../../lib/errors.js';
import { Memo } from '../../lib/memo.js';
import type { Metrics } from '../../lib/metrics.js';
import type { UserEvent } from '../../realtime/events.js';
import { eventsWrite } from '../../realtime/outbox.js';
import { friendsPassedWrite } from '../leaderboard/events.js';
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
  /** The same XP by where it came from, for `xp_granted_total` once the transaction has committed. */
  xpBySource: Partial<Record<XpSource, number>>;
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

export interface ActivityOptions {
  /** The counters `lockLearner` returned, when the caller took the lock already. */
  locked?: LockedCounters;
  /**
   * The caller's batch, when it has writes of its own to send with these: the activity's writes are
   * queued on it and the caller flushes it. Without one they are sent before `recordActivity` returns.
   */
  batch?: WriteBatch;
}

/**
 * Applies an activity inside the caller's transaction, with the user's counters locked: the XP ledger and
 * its total, the streak (on the user's local day), lessons and words, the language's progress, and every
 * badge and achievement it unlocks (achievement rewards are paid into the ledger too). Returns what
 * changed; the caller hands `rankings` to the leaderboards after commit. NOT_FOUND for an unknown user.
 * One read (where the learner stands) and one write (all of it, see WriteBatch), plus one insert in the
 * rare call that wins a badge.
 */
export async function recordActivity(
  deps: { db: Tx },
  activity: Activity,
  options: ActivityOptions = {},
): Promise<ActivityOutcome> {
  const tx = deps.db;
  const batch = options.batch ?? new WriteBatch(tx);
  const stats = options.locked ?? (await lockLearner(deps, activity.userId));
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
  const totals = {
    xp: stats.xpPoints + earnedXp,
    streakDays,
    lessonsCompleted: stats.lessonsCompleted + (activity.lessonsCompleted ?? 0),
    wordsLearned: stats.wordsLearned + (activity.wordsLearned ?? 0),
  };
  const languages = [...state.languages];
  if (activity.language) {
    batch.add(
      repo.languageProgressWrite(tx, {
        userId: activity.userId,
        language: activity.language,
        xp: earnedXp,
        minutes: activity.minutes ?? 0,
        today,
        streakDays,
      }),
    );
    if (!languages.includes(activity.language)) languages.push(activity.language);
  }

  const unlocked = await unlockEarned(tx, batch, activity, catalogue, {
    state: { ...state, languages },
    counters: { ...totals, totalChats: stats.totalChats },
  });
  batch.add(
    repo.xpEventsWrite(tx, [
      ...earned.map((entry) => ({ userId: activity.userId, ...entry, createdAt: activity.at })),
      ...unlocked.rewards.map((achievement) => ({
        userId: activity.userId,
        amount: achievement.reward.xp,
        source: 'achievement' as const,
        refId: achievement.id,
        createdAt: activity.at,
      })),
    ]),
  );
  totals.xp += unlocked.rewardXp;
  batch.add(
    repo.statsWrite(tx, activity.userId, {
      xpPoints: totals.xp,
      streakDays: totals.streakDays,
      lastActiveDate,
      lessonsCompleted: totals.lessonsCompleted,
      wordsLearned: totals.wordsLearned,
    }),
  );
  const level = levelOf(totals.xp);
  const league = leagueOf(totals.xp);
  batch.add(
    eventsWrite(tx, progressionEvents(activity.userId, unlocked, { fromXp: stats.xpPoints, level, league })),
  );
  batch.add(friendsPassedWrite({ userId: activity.userId, fromXp: stats.xpPoints, toXp: totals.xp }));
  if (!options.batch) await batch.flush();

  const xpEarned = earnedXp + unlocked.rewardXp;
  const xpBySource: Partial<Record<XpSource, number>> = {};
  for (const entry of earned) xpBySource[entry.source] = (xpBySource[entry.source] ?? 0) + entry.amount;
  if (unlocked.rewardXp > 0) xpBySource.achievement = (xpBySource.achievement ?? 0) + unlocked.rewardXp;
  return {
    xpEarned,
    xpBySource,
    totals: { ...totals, level, league },
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

/** Counts a committed activity's XP in `xp_granted_total`, by source. */
export function countGrantedXp(metrics: Pick<Metrics, 'business'>, activity: ActivityOutcome): void {
  for (const [source, amount] of Object.entries(activity.xpBySource))
    if (amount > 0) metrics.business.xpGranted.inc({ source }, amount);
}

/**
 * What the user is told about an activity (src/realtime/events.ts): each badge and achievement unlocked,
 * and a new level or league, compared with where their XP stood before it.
 */
function progressionEvents(
  userId: string,
  unlocked: { badges: UnlockedBadge[]; achievements: UnlockedAchievement[] },
  now: { fromXp: number; level: number; league: string },
): UserEvent[] {
  const events: UserEvent[] = [
    ...unlocked.badges.map((data): UserEvent => ({ userId, type: 'badge_unlocked', data })),
    ...unlocked.achievements.map((data): UserEvent => ({ userId, type: 'achievement_unlocked', data })),
  ];
  const fromLevel = levelOf(now.fromXp);
  if (now.level !== fromLevel)
    events.push({ userId, type: 'level_up', data: { from: fromLevel, to: now.level } });
  const fromLeague = leagueOf(now.fromXp);
  if (now.league !== fromLeague)
    events.push({ userId, type: 'league_changed', data: { from: fromLeague, to: now.league } });
  return events;
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

/**
 * Badges and achievements the activity earns, in rounds (a reward's XP can earn more). Badges are awarded
 * at once (the insert says which were new); achievement progress is queued on `batch`, one row per
 * achievement, and the rewards are returned for the caller's XP ledger entry.
 */
async function unlockEarned(
  tx: Tx,
  batch: WriteBatch,
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
  // By achievement: a later round's progress replaces an earlier one's (progress only grows).
  const progressed = new Map<string, AchievementProgress>();
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

    const reached: Achievement[] = [];
    for (const achievement of catalogue.achievements) {
      if (unlockedAchievements.has(achievement.id)) continue;
      const target = achievement.requirement.value;
      const value = Math.floor(values[achievement.requirement.type] ?? 0);
      const progress = Math.min(Math.max(value, 0), target);
      if (value >= target) reached.push(achievement);
      // Progress the store holds already is not written again.
      else if (state.achievementProgress[achievement.id] === `${progress}/${target}`) continue;
      progressed.set(achievement.id, {
        achievementId: achievement.id,
        progress,
        maxProgress: target,
        unlockedAt: value >= target ? activity.at : null,
      });
    }
    for (const achievement of reached) unlockedAchievements.add(achievement.id);
    achievementsWon.push(...reached);
    rewardXp += sum(reached.map((achievement) => Math.max(0, achievement.reward.xp)));
    if (awarded.length === 0 && reached.length === 0) break;
  }
  batch.add(repo.achievementProgressWrite(tx, activity.userId, [...progressed.values()]));

  return {
    rewardXp,
    rewards: achievementsWon.filter((achievement) => achievement.reward.xp > 0),
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

interface AchievementProgress {
  achievementId: string;
  progress: number;
  maxProgress: number;
  unlockedAt: Date | null;
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
