import { and, asc, desc, eq, isNotNull, type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows, type Tx } from '../../db/client.js';
import {
  achievements,
  follows,
  userAchievements,
  userBadges,
  userEvents,
  userLanguageProgress,
  userStats,
  users,
  xpEvents,
} from '../../db/schema/index.js';
import type { RankedEntry } from '../../lib/store/types.js';
import type { Board } from './board.js';

/** Rebuilds read the source of truth in pages of this many users. */
const PAGE = 10_000;

/**
 * A board's score of every user, as SQL yielding `(user_id, score)`. A board ranks only scores above
 * zero: someone who has not yet earned anything is not last, just not on it.
 */
function scoresSql(board: Board): SQL {
  switch (board.kind) {
    case 'xp':
      return board.period
        ? sql`select ${xpEvents.userId} as user_id, sum(${xpEvents.amount})::int as score from ${xpEvents}
            where ${xpEvents.createdAt} >= ${board.period.start.toISOString()}::timestamptz
              and ${xpEvents.createdAt} < ${board.period.end.toISOString()}::timestamptz
            group by ${xpEvents.userId}`
        : sql`select ${userStats.userId} as user_id, ${userStats.xpPoints} as score from ${userStats}`;
    case 'streak':
      return sql`select ${userStats.userId} as user_id, ${userStats.streakDays} as score from ${userStats}`;
    case 'lessons':
      return sql`select ${userStats.userId} as user_id, ${userStats.lessonsCompleted} as score from ${userStats}`;
    case 'languages':
      return sql`select ${users.id} as user_id, count(${userLanguageProgress.language})::int as score
        from ${users} left join ${userLanguageProgress} on ${userLanguageProgress.userId} = ${users.id}
        group by ${users.id}`;
  }
}

type ScoreRow = { user_id: string; score: number | string };

/** Every (user, score) of a board, in pages, from PostgreSQL: what a ranking is rebuilt from. */
export async function* boardScores(db: Db | Tx, board: Board): AsyncGenerator<RankedEntry[]> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await queryRows<ScoreRow>(
      db,
      sql`select user_id, score from (${scoresSql(board)}) as scores
          where score > 0 and user_id > ${after}::uuid order by user_id limit ${PAGE}`,
    );
    if (rows.length === 0) return;
    yield rows.map((row) => ({ member: row.user_id, score: Number(row.score) }));
    after = rows.at(-1)!.user_id;
    if (rows.length < PAGE) return;
  }
}

/** A page of a board straight from PostgreSQL, in the rankings' order (score, then id, descending). */
export async function boardPage(
  db: Db | Tx,
  board: Board,
  offset: number,
  limit: number,
): Promise<RankedEntry[]> {
  const rows = await queryRows<ScoreRow>(
    db,
    sql`select user_id, score from (${scoresSql(board)}) as scores
        where score > 0 order by score desc, user_id desc offset ${offset} limit ${limit}`,
  );
  return rows.map((row) => ({ member: row.user_id, score: Number(row.score) }));
}

/** These users' scores on a board straight from PostgreSQL, null for those it does not rank. */
export async function boardScoresOf(
  db: Db | Tx,
  board: Board,
  members: readonly string[],
): Promise<(number | null)[]> {
  if (members.length === 0) return [];
  const rows = await queryRows<ScoreRow>(
    db,
    sql`select user_id, score from (${scoresSql(board)}) as scores
        where score > 0 and user_id = any(${sql.param([...members])}::uuid[])`,
  );
  const byMember = new Map(rows.map((row) => [row.user_id, Number(row.score)]));
  return members.map((member) => byMember.get(member) ?? null);
}

/** A user's 0-based position and score on a board straight from PostgreSQL, in the rankings' order. */
export async function boardPositionOf(
  db: Db | Tx,
  board: Board,
  member: string,
): Promise<{ position: number; score: number } | null> {
  const [row] = await queryRows<{ score: number | string; position: number | string }>(
    db,
    sql`with scores as (select user_id, score from (${scoresSql(board)}) as all_scores where score > 0)
        select mine.score, (select count(*) from scores as other
          where other.score > mine.score or (other.score = mine.score and other.user_id > mine.user_id)
        ) as position
        from scores as mine where mine.user_id = ${member}::uuid`,
  );
  return row ? { position: Number(row.position), score: Number(row.score) } : null;
}

/** What anyone may see of a learner (never an email): profile, counters, languages and trophies. */
export interface PublicCardRow {
  id: string;
  name: string;
  displayName: string | null;
  avatarUrl: string | null;
  /** `YYYY-MM-DD` (UTC). */
  joinedAt: string;
  xp: number;
  streak: number;
  lessonsCompleted: number;
  lastActiveDate: string | null;
  languages: string[];
  /** Badge ids and unlocked achievements' titles, in the order they were earned. */
  badges: string[];
  achievements: string[];
}

/**
 * The public cards of these users, by id, in one round trip: a page of a leaderboard is a hundred of them,
 * so the ids travel as one array parameter and each card's lists are gathered by the database.
 */
export async function publicCards(db: Db | Tx, ids: readonly string[]): Promise<PublicCardRow[]> {
  if (ids.length === 0) return [];
  return queryRows<PublicCardRow>(
    db,
    sql`select ${users.id} as "id", ${users.name} as "name", ${users.displayName} as "displayName",
          ${users.avatarUrl} as "avatarUrl",
          to_char(${users.createdAt} at time zone 'UTC', 'YYYY-MM-DD') as "joinedAt",
          ${userStats.xpPoints} as "xp", ${userStats.streakDays} as "streak",
          ${userStats.lessonsCompleted} as "lessonsCompleted",
          ${userStats.lastActiveDate}::text as "lastActiveDate",
          array(select ${userLanguageProgress.language} from ${userLanguageProgress}
                where ${userLanguageProgress.userId} = ${users.id}
                order by ${userLanguageProgress.language}) as "languages",
          array(select ${userBadges.badgeId} from ${userBadges}
                where ${userBadges.userId} = ${users.id}
                order by ${userBadges.unlockedAt}, ${userBadges.badgeId}) as "badges",
          array(select ${achievements.title} from ${userAchievements}
                join ${achievements} on ${achievements.id} = ${userAchievements.achievementId}
                where ${userAchievements.userId} = ${users.id} and ${userAchievements.unlockedAt} is not null
                order by ${userAchievements.unlockedAt}, ${userAchievements.achievementId}) as "achievements"
        from ${users} join ${userStats} on ${userStats.userId} = ${users.id}
        where ${users.id} = any(${sql.param([...ids])}::uuid[])`,
  );
}

/** A user's unlocked achievements in full, for their trophy shelf. */
export function unlockedAchievements(db: Db | Tx, userId: string) {
  return db
    .select({ achievement: achievements, unlockedAt: userAchievements.unlockedAt })
    .from(userAchievements)
    .innerJoin(achievements, eq(achievements.id, userAchievements.achievementId))
    .where(and(eq(userAchievements.userId, userId), isNotNull(userAchievements.unlockedAt)))
    .orderBy(asc(userAchievements.unlockedAt), asc(userAchievements.achievementId));
}

/**
 * Users whose shown name starts with `prefix` (case-insensitive), served by an expression index. Only the
 * name: an email address is never searched or shown.
 */
export async function findByNamePrefix(db: Db | Tx, prefix: string, limit: number): Promise<string[]> {
  const escaped = prefix.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`);
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(coalesce(${users.displayName}, ${users.name})) like ${`${escaped}%`}`)
    .orderBy(sql`lower(coalesce(${users.displayName}, ${users.name}))`, asc(users.id))
    .limit(limit);
  return rows.map((row) => row.id);
}

export async function userExists(db: Db | Tx, userId: string): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1);
  return row !== undefined;
}

/** Totals over every learner, for `leaderboard.getGlobalStats`. */
export async function globalTotals(db: Db | Tx, activeSince: { week: string; month: string }) {
  const [totals] = await db
    .select({
      users: sql<number>`count(*)::int`,
      xp: sql<string | number>`coalesce(sum(${userStats.xpPoints}), 0)`,
      lessons: sql<string | number>`coalesce(sum(${userStats.lessonsCompleted}), 0)`,
      averageStreak: sql<string | number>`coalesce(avg(${userStats.streakDays}), 0)`,
      weeklyActive: sql<number>`count(*) filter (where ${userStats.lastActiveDate} >= ${activeSince.week}::date)::int`,
      monthlyActive: sql<number>`count(*) filter (where ${userStats.lastActiveDate} >= ${activeSince.month}::date)::int`,
    })
    .from(userStats);
  const languages = await db
    .select({ language: userLanguageProgress.language, learners: sql<number>`count(*)::int` })
    .from(userLanguageProgress)
    .groupBy(userLanguageProgress.language)
    .orderBy(desc(sql`count(*)`), asc(userLanguageProgress.language))
    .limit(4);
  return { totals: totals!, languages };
}

/** Returns whether the follow is new. */
export async function follow(db: Db | Tx, followerId: string, followeeId: string): Promise<boolean> {
  const inserted = await db
    .insert(follows)
    .values({ followerId, followeeId })
    .onConflictDoNothing()
    .returning({ id: follows.followeeId });
  return inserted.length > 0;
}

/** The name a learner is shown by (display name, else name), or null for an unknown id. */
export async function shownName(db: Db | Tx, userId: string): Promise<string | null> {
  const [row] = await db
    .select({ name: sql<string>`coalesce(${users.displayName}, ${users.name})` })
    .from(users)
    .where(eq(users.id, userId));
  return row?.name ?? null;
}

export async function unfollow(db: Db | Tx, followerId: string, followeeId: string): Promise<boolean> {
  const rows = await db
    .delete(follows)
    .where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId)))
    .returning({ id: follows.followeeId });
  return rows.length > 0;
}

export async function followeesOf(db: Db | Tx, followerId: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: follows.followeeId })
    .from(follows)
    .where(eq(follows.followerId, followerId))
    .orderBy(asc(follows.createdAt))
    .limit(limit);
  return rows.map((row) => row.id);
}

export async function countFollowees(db: Db | Tx, followerId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(follows)
    .where(eq(follows.followerId, followerId));
  return row?.count ?? 0;
}

/**
 * A `friend_passed` outbox row for each follower of `userId` whom an XP write from `fromXp` to `toXp`
 * moved them past on the all-time XP board (ties rank by user id, descending, as the rankings do): an
 * INSERT … SELECT, so it can join the write's batch. Reads at most `scanLimit` followers and tells at
 * most `notifyLimit`, the closest above first.
 */
export function friendsPassedWrite(params: {
  userId: string;
  fromXp: number;
  toXp: number;
  scanLimit: number;
  notifyLimit: number;
}): SQL {
  const { userId, fromXp, toXp } = params;
  return sql`insert into ${userEvents} (user_id, type, data)
    select f.id, 'friend_passed', jsonb_build_object(
        'friendId', a.id, 'friendName', coalesce(a.display_name, a.name), 'board', 'xp',
        'friendScore', ${toXp}::int, 'yourScore', s.xp_points)
    from (select ${follows.followerId} as id from ${follows}
          where ${follows.followeeId} = ${userId} limit ${params.scanLimit}) f
    join ${userStats} s on s.user_id = f.id
    join ${users} a on a.id = ${userId}
    where (s.xp_points > ${fromXp}::int or (s.xp_points = ${fromXp}::int and f.id > ${userId}::uuid))
      and (s.xp_points < ${toXp}::int or (s.xp_points = ${toXp}::int and f.id < ${userId}::uuid))
    order by s.xp_points, f.id
    limit ${params.notifyLimit}`;
}
