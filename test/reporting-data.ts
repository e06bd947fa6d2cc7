import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../src/db/client.js';
import type { DailyCounterMetric } from '../src/lib/daily-counters.js';
import { rollupAnalytics } from '../src/modules/analytics/rollup.js';
import { hashPassword } from '../src/modules/auth/passwords.js';
import { addDailyCounts } from '../src/modules/reporting/counters.js';
import { createAccount } from '../src/modules/users/accounts.js';

/**
 * A small, realistic data set for the admin reports, written straight into the tables at chosen days
 * (the API dates everything "now"), then rolled up like the daily job does. Two ISO weeks of 14 days:
 * with `endDay` a Sunday, `from` is the first week's Monday.
 *
 * The plan (day offsets from `from`; u1..u5 are the seeded learners):
 * - signups: u1 and u2 on day 0, u3 on day 2, u4 on day 8, u5 on day 10
 * - day 0: u1 opens the app (analytics event); u2 passes an es/beginner lesson (score 90) and gets 50 XP
 * - day 1: u1 sends a chat message (and gets a tutor reply, which is not a learner message) and 20 XP
 * - day 3: u3 passes a de/advanced lesson (score 60), no XP
 * - day 8: u1 passes a fr/intermediate lesson (score 80) with 120 XP; u4 opens the app
 * - day 9: u4 sends two chat messages
 * - day 10: u5 passes an es/beginner lesson (score 100) with 600 XP
 * - day 12: u2 fails an es/beginner lesson (score 30): active, but no lesson completed
 * - day 13: u4 unlocks an achievement worth 5000 XP
 * - counters: day 0: 100 requests, 5 of them 5xx; day 1: 1 llm request; day 9: 2 llm requests and 1
 *   chat quota denial; day 12: 1 chat and 1 lesson generation quota denial; day 13: 40 requests
 *
 * Expected reports over [from, to] (from the plan): daily active users 2,1,0,1,0,0,0,0,2,1,1,0,1,1; weekly
 * 3 and 4; signups 2,0,1,0,0,0,0,0,1,0,1,0,0,0; cohorts week 1 size 3 retention [1, 2/3], week 2 size 2
 * retention [1]; lessons es/beginner 2, de/advanced 1, fr/intermediate 1; XP buckets 0:1 (u3), 1-99:1 (u2),
 * 100-499:1 (u1, 140), 500-999:1 (u5), 1000-4999:0, 5000+:1 (u4); chat messages day 1: 1, day 9: 2; AI
 * requests day 1: 1, day 9: 2; quota denials day 9: 1, day 12: 2; error ratio day 0: 5/100, day 13: 0/40.
 */
export interface ReportingSeed {
  from: string;
  to: string;
  /** The seeded learners u1..u5, in order. */
  users: { id: string; email: string; signupDay: string }[];
}

const DAY_MS = 86_400_000;
const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
/** Noon of a UTC day, plus `minutes`. */
const at = (day: string, minutes = 0) => new Date(Date.parse(`${day}T12:00:00Z`) + minutes * 60_000);

let passwordHash: Promise<string> | undefined;

/**
 * Seeds the plan above over the 14 days ending `endDay` (default yesterday, UTC; must be a completed day)
 * and runs the rollup over them. Emails are unique per call (`report-<id>-u<n>@<emailDomain>`), so
 * several seeds can share a database; their days must not overlap for exact numbers.
 */
export async function seedReportingData(
  db: Db,
  options: { endDay?: string; emailDomain?: string } = {},
): Promise<ReportingSeed> {
  const to = options.endDay ?? addDays(new Date().toISOString().slice(0, 10), -1);
  const from = addDays(to, -13);
  const day = (offset: number) => addDays(from, offset);
  const tag = randomUUID().slice(0, 8);
  passwordHash ??= hashPassword(randomUUID());
  const hash = await passwordHash;

  const signupOffsets = [0, 0, 2, 8, 10];
  const users: ReportingSeed['users'] = [];
  for (const [index, offset] of signupOffsets.entries()) {
    const email = `report-${tag}-u${index + 1}@${options.emailDomain ?? 'example.com'}`;
    const user = await db.transaction((tx) =>
      createAccount(
        { db: tx },
        { email, name: `Report Learner ${index + 1}`, passwordHash: hash, role: 'user', timezone: 'UTC' },
      ),
    );
    if (!user) throw new Error(`email taken: ${email}`);
    await db.execute(
      sql`update users set created_at = ${at(day(offset), -60).toISOString()}::timestamptz where id = ${user.id}`,
    );
    users.push({ id: user.id, email, signupDay: day(offset) });
  }
  const [u1, u2, u3, u4, u5] = users.map((user) => user.id) as [string, string, string, string, string];

  const lesson = async (language: string, difficulty: string) => {
    const [row] = await queryRows<{ id: string }>(
      db,
      sql`select id from lessons where language = ${language} and difficulty = ${difficulty}
          and source = 'seed' order by id limit 1`,
    );
    if (!row) throw new Error(`no seeded ${language}/${difficulty} lesson`);
    return row.id;
  };
  const [es, fr, de] = await Promise.all([
    lesson('es', 'beginner'),
    lesson('fr', 'intermediate'),
    lesson('de', 'advanced'),
  ]);

  const event = (userId: string, when: Date) =>
    db.execute(sql`insert into analytics_events (user_id, event, properties, occurred_at)
      values (${userId}, 'app_opened', '{}'::jsonb, ${when.toISOString()}::timestamptz)`);
  const attempt = (userId: string, lessonId: string, score: number, when: Date) =>
    db.execute(sql`insert into lesson_attempts (user_id, lesson_id, score, xp_earned, time_spent_sec, created_at)
      values (${userId}, ${lessonId}, ${score}, 0, 300, ${when.toISOString()}::timestamptz)`);
  const xp = (userId: string, amount: number, source: string, when: Date) =>
    db.execute(sql`insert into xp_events (user_id, amount, source, created_at)
      values (${userId}, ${amount}, ${source}, ${when.toISOString()}::timestamptz)`);
  const chat = (userId: string, isUser: boolean, when: Date) =>
    db.execute(sql`insert into chat_messages (user_id, text, is_user, language, created_at)
      values (${userId}, ${isUser ? 'Hola, ¿qué tal?' : '¡Muy bien!'}, ${isUser}, 'es', ${when.toISOString()}::timestamptz)`);

  await event(u1, at(day(0)));
  await attempt(u2, es, 90, at(day(0)));
  await xp(u2, 50, 'lesson', at(day(0)));
  await chat(u1, true, at(day(1)));
  await chat(u1, false, at(day(1), 1));
  await xp(u1, 20, 'chat', at(day(1), 1));
  await attempt(u3, de, 60, at(day(3)));
  await attempt(u1, fr, 80, at(day(8)));
  await xp(u1, 120, 'lesson', at(day(8)));
  await event(u4, at(day(8), 5));
  await chat(u4, true, at(day(9)));
  await chat(u4, true, at(day(9), 2));
  await attempt(u5, es, 100, at(day(10)));
  await xp(u5, 600, 'lesson', at(day(10)));
  await attempt(u2, es, 30, at(day(12)));
  await xp(u4, 5000, 'achievement', at(day(13)));

  const count = (offset: number, metric: DailyCounterMetric, value: number, dimension = '') => ({
    day: day(offset),
    metric,
    dimension,
    value,
  });
  await addDailyCounts(db, [
    count(0, 'http_requests', 100),
    count(0, 'http_errors', 5),
    count(1, 'ai_requests', 1, 'llm'),
    count(9, 'ai_requests', 2, 'llm'),
    count(9, 'quota_denials', 1, 'chat_messages'),
    count(12, 'quota_denials', 1, 'chat_messages'),
    count(12, 'quota_denials', 1, 'lesson_generations'),
    count(13, 'http_requests', 40),
  ]);

  await rollupAnalytics(db, new Date(), {
    catchUpDays: 1,
    days: Array.from({ length: 14 }, (_, offset) => day(offset)),
  });
  return { from, to, users };
}
