import { type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows, type Tx } from '../../db/client.js';
import type { NewAnalyticsEvent } from '../../db/schema/index.js';

/** An event as the ingest writes it: every column chosen by the server, so the insert returns nothing. */
export type EventRow = Required<Pick<NewAnalyticsEvent, 'id' | 'userId' | 'event' | 'properties'>> & {
  occurredAt: Date;
  receivedAt: Date;
};

/**
 * Inserts a batch of events in one statement. The rows travel as one JSON parameter unpacked by
 * `json_to_recordset`, so the statement text is the same whatever the batch size (one plan, no limit on
 * bind parameters) and both drivers send it alike.
 */
export async function insertEvents(db: Db, rows: readonly EventRow[]): Promise<void> {
  const records = rows.map((row) => ({
    id: row.id,
    user_id: row.userId,
    event: row.event,
    properties: row.properties,
    occurred_at: row.occurredAt.toISOString(),
    received_at: row.receivedAt.toISOString(),
  }));
  await db.execute(sql`insert into analytics_events (id, user_id, event, properties, occurred_at, received_at)
    select id, user_id, event, properties, occurred_at, received_at
    from json_to_recordset(${JSON.stringify(records)}::json)
      as r(id uuid, user_id uuid, event text, properties jsonb, occurred_at timestamptz, received_at timestamptz)`);
}

/** Whose activity, over which instants, in which language (lower-case; null: every language). */
export interface ActivityScope {
  userId: string;
  timeZone: string;
  since: Date;
  until: Date;
  language: string | null;
  /** The language an event that names none is counted in: the one the user is learning. */
  defaultLanguage: string;
}

/** A numeric property of event `e`, or null when it is missing or not a number. */
const numberProperty = (key: string) =>
  sql.raw(
    `(case when jsonb_typeof(e.properties->'${key}') = 'number' then (e.properties->>'${key}')::float8 end)`,
  );

const instant = (at: Date) => sql`${at.toISOString()}::timestamptz`;

/** An instant as milliseconds since the epoch: a plain number from either driver, whatever its time zone. */
const epochMs = (expression: SQL) => sql`(extract(epoch from ${expression}) * 1000)::float8`;

/** Event `e` is in the scope's language: the one it names, or the learner's when it names none. */
const eventInLanguage = (scope: ActivityScope) =>
  scope.language === null
    ? sql`true`
    : sql`lower(coalesce(e.properties->>'language', ${scope.defaultLanguage})) = ${scope.language}`;

/** The attempt's lesson `l` is in the scope's language. */
const lessonInLanguage = (scope: ActivityScope) =>
  scope.language === null ? sql`true` : sql`lower(l.language) = ${scope.language}`;

/** Event `e` is the scope user's, in its time and language. */
const eventInScope = (scope: ActivityScope) =>
  sql`e.user_id = ${scope.userId} and e.occurred_at >= ${instant(scope.since)}
    and e.occurred_at < ${instant(scope.until)} and ${eventInLanguage(scope)}`;

/** Attempt `a` of lesson `l` is the scope user's, in its time and language. */
const attemptInScope = (scope: ActivityScope) =>
  sql`a.user_id = ${scope.userId} and a.created_at >= ${instant(scope.since)}
    and a.created_at < ${instant(scope.until)} and ${lessonInLanguage(scope)}`;

const eventsOf = (scope: ActivityScope, event: string) => sql`${eventInScope(scope)} and e.event = ${event}`;

/**
 * The caller's learning activity as rows of one shape: lessons (scored attempts, and `lesson_completed`
 * events the server has no attempt for) and practice sessions. An event within 15 minutes of an attempt
 * at the same lesson is that attempt reported twice (the app tracks what the server also scored), so it
 * is left out. Columns: kind, at, topic, difficulty, accuracy (percent), xp, minutes, lesson_id.
 */
function activity(scope: ActivityScope): SQL {
  return sql`activity as (
    select 'lesson' as kind, e.occurred_at as at, e.properties->>'topic' as topic,
      e.properties->>'difficulty' as difficulty, ${numberProperty('accuracy')} as accuracy,
      coalesce(${numberProperty('xp')}, 0) as xp, coalesce(${numberProperty('durationSeconds')}, 0) / 60 as minutes,
      e.properties->>'lessonId' as lesson_id
    from analytics_events e
    where ${eventsOf(scope, 'lesson_completed')}
      and not exists (select 1 from lesson_attempts a where a.user_id = e.user_id
        and a.lesson_id = e.properties->>'lessonId'
        and a.created_at between e.occurred_at - interval '15 minutes' and e.occurred_at + interval '15 minutes')
    union all
    select 'lesson', a.created_at, lower(l.type), l.difficulty, a.score::float8, a.xp_earned::float8,
      a.time_spent_sec::float8 / 60, a.lesson_id
    from lesson_attempts a join lessons l on l.id = a.lesson_id
    where ${attemptInScope(scope)}
    union all
    select 'practice', e.occurred_at, e.properties->>'topic', null, ${numberProperty('accuracy')}, 0,
      coalesce(${numberProperty('duration')}, 0), null
    from analytics_events e
    where ${eventsOf(scope, 'practice_session')}
  )`;
}

const localDay = (scope: ActivityScope) => sql`(at at time zone ${scope.timeZone})::date`;

export interface DayTotals {
  day: string;
  lessons: number;
  practiceMinutes: number;
  lessonMinutes: number;
  xp: number;
  accuracySum: number;
  accuracyCount: number;
  firstAt: Date;
}

/** Activity per local day of the user (days without activity are absent). */
export async function dailyTotals(db: Db | Tx, scope: ActivityScope): Promise<DayTotals[]> {
  const rows = await queryRows<Omit<DayTotals, 'firstAt'> & { firstAt: number }>(
    db,
    sql`with ${activity(scope)}
      select ${localDay(scope)}::text as "day",
        (count(*) filter (where kind = 'lesson'))::int as "lessons",
        coalesce(sum(minutes) filter (where kind = 'practice'), 0)::float8 as "practiceMinutes",
        coalesce(sum(minutes) filter (where kind = 'lesson'), 0)::float8 as "lessonMinutes",
        coalesce(sum(xp), 0)::float8 as "xp",
        coalesce(sum(accuracy), 0)::float8 as "accuracySum",
        count(accuracy)::int as "accuracyCount",
        ${epochMs(sql`min(at)`)} as "firstAt"
      from activity group by 1 order by 1`,
  );
  return rows.map((row) => ({ ...row, firstAt: new Date(row.firstAt) }));
}

export interface TopicTotals {
  topic: string;
  lessons: number;
  /** Mean accuracy over the topic's lessons and practice sessions; null when none had one. */
  accuracy: number | null;
  lastAt: Date;
}

/** Activity per topic, most lessons first (at most `limit` topics). */
export async function topicTotals(db: Db | Tx, scope: ActivityScope, limit: number): Promise<TopicTotals[]> {
  const rows = await queryRows<Omit<TopicTotals, 'lastAt'> & { lastAt: number }>(
    db,
    sql`with ${activity(scope)}
      select topic as "topic", (count(*) filter (where kind = 'lesson'))::int as "lessons",
        avg(accuracy)::float8 as "accuracy", ${epochMs(sql`max(at)`)} as "lastAt"
      from activity where topic is not null
      group by topic order by 2 desc, 1 limit ${limit}`,
  );
  return rows.map((row) => ({ ...row, lastAt: new Date(row.lastAt) }));
}

/** Mean lesson accuracy per difficulty. */
export function accuracyByDifficulty(
  db: Db | Tx,
  scope: ActivityScope,
): Promise<{ difficulty: string; accuracy: number; lessons: number }[]> {
  return queryRows(
    db,
    sql`with ${activity(scope)}
      select difficulty as "difficulty", avg(accuracy)::float8 as "accuracy", count(*)::int as "lessons"
      from activity where kind = 'lesson' and difficulty is not null and accuracy is not null
      group by difficulty`,
  );
}

/** When the user completed lessons, oldest first (at most `limit`). */
export async function lessonTimes(db: Db | Tx, scope: ActivityScope, limit: number): Promise<Date[]> {
  const rows = await queryRows<{ at: number }>(
    db,
    sql`with ${activity(scope)}
      select ${epochMs(sql`at`)} as "at" from activity where kind = 'lesson' order by at limit ${limit}`,
  );
  return rows.map((row) => new Date(row.at));
}

/** Lesson ids the user has completed in scope. */
export async function completedLessonIds(db: Db | Tx, scope: ActivityScope): Promise<Set<string>> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`with ${activity(scope)}
      select distinct lesson_id as "id" from activity where kind = 'lesson' and lesson_id is not null`,
  );
  return new Set(rows.map((row) => row.id));
}

/**
 * The local hours of the day (0–23) the user is most active at, by how many events and lesson attempts
 * fall in each, busiest first (at most `limit`).
 */
export async function busiestHours(db: Db | Tx, scope: ActivityScope, limit: number): Promise<number[]> {
  const rows = await queryRows<{ hour: number }>(
    db,
    sql`select extract(hour from at at time zone ${scope.timeZone})::int as "hour"
      from (
        select e.occurred_at as at from analytics_events e where ${eventInScope(scope)}
        union all
        select a.created_at from lesson_attempts a join lessons l on l.id = a.lesson_id where ${attemptInScope(scope)}
      ) events
      group by 1 order by count(*) desc, 1 limit ${limit}`,
  );
  return rows.map((row) => row.hour);
}

/** What the read side needs to know of the user. */
export interface LearnerProfile {
  timezone: string;
  selectedLanguage: string | null;
  proficiencyLevel: string;
  dailyGoalMinutes: number;
}

export async function findLearner(db: Db | Tx, userId: string): Promise<LearnerProfile | null> {
  const [row] = await queryRows<LearnerProfile>(
    db,
    sql`select timezone as "timezone", selected_language as "selectedLanguage",
      proficiency_level as "proficiencyLevel", daily_goal_minutes as "dailyGoalMinutes"
      from users where id = ${userId}`,
  );
  return row ?? null;
}

export interface AchievementRow {
  id: string;
  title: string;
  description: string;
  icon: string;
  requirementType: string;
  requirementValue: number;
}

/** The achievement catalogue. */
export function achievementCatalogue(db: Db | Tx): Promise<AchievementRow[]> {
  return queryRows<AchievementRow>(
    db,
    sql`select id as "id", title as "title", description as "description", icon as "icon",
      requirement->>'type' as "requirementType",
      (case when jsonb_typeof(requirement->'value') = 'number' then (requirement->>'value')::float8 end)
        as "requirementValue"
      from achievements order by id`,
  );
}

/**
 * Achievements the user holds, with when each was first unlocked: those the gamification tables record,
 * and those the app reported (`achievement_unlocked`) in scope. Ids outside the catalogue are ignored.
 */
export async function unlockedAchievements(
  db: Db | Tx,
  scope: ActivityScope,
): Promise<{ id: string; unlockedAt: Date }[]> {
  const rows = await queryRows<{ id: string; unlockedAt: number }>(
    db,
    sql`select id as "id", ${epochMs(sql`min(unlocked_at)`)} as "unlockedAt" from (
        select achievement_id as id, unlocked_at from user_achievements
        where user_id = ${scope.userId} and unlocked_at is not null
        union all
        select e.properties->>'achievementId', e.occurred_at from analytics_events e
        where ${eventsOf(scope, 'achievement_unlocked')}
      ) unlocked
      where id in (select id from achievements)
      group by id`,
  );
  return rows.map((row) => ({ id: row.id, unlockedAt: new Date(row.unlockedAt) }));
}

export interface CatalogueLesson {
  id: string;
  type: string;
  title: string;
  difficulty: string;
  estimatedTimeMin: number;
  xpReward: number;
}

/** The language's course (seeded lessons), in course order. */
export function courseLessons(db: Db | Tx, language: string): Promise<CatalogueLesson[]> {
  return queryRows<CatalogueLesson>(
    db,
    sql`select id as "id", lower(type) as "type", title as "title", difficulty as "difficulty",
      estimated_time_min as "estimatedTimeMin", xp_reward as "xpReward"
      from lessons where lower(language) = ${language} and source = 'seed'
      order by position nulls last, id`,
  );
}
