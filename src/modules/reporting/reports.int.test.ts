import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { type ReportingSeed, seedReportingData } from '../../../test/reporting-data.js';
import { trpcCall } from '../../../test/trpc-call.js';

let t: TestApp;
let admin: TestUser;
let member: TestUser;
let seed: ReportingSeed;

const DAY_MS = 86_400_000;
const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

// A Sunday long ago, moved by whole weeks so that runs sharing a database never seed the same days.
const END_DAY = addDays('2001-03-18', 7 * Math.floor(Math.random() * 1_000));

beforeAll(async () => {
  t = await createTestApp();
  admin = await createUser(t, { role: 'admin' });
  member = await createUser(t);
  seed = await seedReportingData(t.deps.db, { endDay: END_DAY });
});
afterAll(() => t.close());

const range = () => ({ from: seed.from, to: seed.to });
/** One value per day of the seeded range, from a sparse `offset -> value` map (zeros elsewhere). */
const series = (values: Record<number, number>) =>
  Array.from({ length: 14 }, (_, offset) => values[offset] ?? 0);

describe('admin.reports over the seeded fortnight', () => {
  it('starts on a Monday and spans two ISO weeks', () => {
    expect(new Date(`${seed.from}T00:00:00Z`).getUTCDay()).toBe(1);
    expect(seed.to).toBe(END_DAY);
  });

  it('activeUsers: distinct users per day and per ISO week, zero-filled', async () => {
    const report = await admin.client.admin.reports.activeUsers.query(range());
    expect(report.daily.map((row) => row.day)).toEqual(
      Array.from({ length: 14 }, (_, i) => addDays(seed.from, i)),
    );
    expect(report.daily.map((row) => row.users)).toEqual(
      series({ 0: 2, 1: 1, 3: 1, 8: 2, 9: 1, 10: 1, 12: 1, 13: 1 }),
    );
    expect(report.weekly).toEqual([
      { weekStart: seed.from, users: 3 },
      { weekStart: addDays(seed.from, 7), users: 4 },
    ]);
  });

  it('activeUsers: a week cut by the range counts only the range days', async () => {
    const report = await admin.client.admin.reports.activeUsers.query({
      from: addDays(seed.from, 3),
      to: addDays(seed.from, 8),
    });
    expect(report.daily.map((row) => row.users)).toEqual([1, 0, 0, 0, 0, 2]);
    expect(report.weekly).toEqual([
      { weekStart: seed.from, users: 1 },
      { weekStart: addDays(seed.from, 7), users: 2 },
    ]);
  });

  it('signups: per day, and retention cohorts by signup week', async () => {
    const report = await admin.client.admin.reports.signups.query(range());
    expect(report.daily.map((row) => row.signups)).toEqual(series({ 0: 2, 2: 1, 8: 1, 10: 1 }));
    expect(report.cohorts).toEqual([
      { cohortWeek: seed.from, size: 3, retention: [1, 2 / 3] },
      { cohortWeek: addDays(seed.from, 7), size: 2, retention: [1] },
    ]);
  });

  it('lessonsCompleted: passed lessons by language and level', async () => {
    const report = await admin.client.admin.reports.lessonsCompleted.query(range());
    expect(report.rows).toEqual([
      { language: 'es', level: 'beginner', lessons: 2 },
      { language: 'de', level: 'advanced', lessons: 1 },
      { language: 'fr', level: 'intermediate', lessons: 1 },
    ]);
  });

  it('xpDistribution: active users by XP earned in the range', async () => {
    const report = await admin.client.admin.reports.xpDistribution.query(range());
    expect(report.buckets.map(({ label, users }) => [label, users])).toEqual([
      ['0', 1],
      ['1-99', 1],
      ['100-499', 1],
      ['500-999', 1],
      ['1000-4999', 0],
      ['5000+', 1],
    ]);
    // Only the first week: u1 has 20, u2 50, u3 0.
    const firstWeek = await admin.client.admin.reports.xpDistribution.query({
      from: seed.from,
      to: addDays(seed.from, 6),
    });
    expect(firstWeek.buckets.map((bucket) => bucket.users)).toEqual([1, 2, 0, 0, 0, 0]);
  });

  it('aiUsage: learner chat messages, provider requests and quota denials per day', async () => {
    const report = await admin.client.admin.reports.aiUsage.query(range());
    expect(report.daily.map((row) => row.chatMessages)).toEqual(series({ 1: 1, 9: 2 }));
    expect(report.daily.map((row) => row.aiRequests)).toEqual(series({ 1: 1, 9: 2 }));
    expect(report.daily.map((row) => row.quotaDenials)).toEqual(series({ 9: 1, 12: 2 }));
  });

  it('errorRatio: requests, 5xx and their share per day', async () => {
    const report = await admin.client.admin.reports.errorRatio.query(range());
    expect(report.daily[0]).toEqual({ day: seed.from, requests: 100, errors: 5, ratio: 0.05 });
    expect(report.daily[13]).toEqual({ day: seed.to, requests: 40, errors: 0, ratio: 0 });
    expect(report.daily.slice(1, 13).every((row) => row.requests === 0 && row.ratio === 0)).toBe(true);
  });

  it('a re-run of the rollup over the same days changes nothing', async () => {
    const before = await admin.client.admin.reports.signups.query(range());
    const { rollupAnalytics } = await import('../analytics/rollup.js');
    await rollupAnalytics(t.deps.db, new Date(), {
      catchUpDays: 1,
      days: [seed.from, addDays(seed.from, 8)],
    });
    expect(await admin.client.admin.reports.signups.query(range())).toEqual(before);
    const active = await admin.client.admin.reports.activeUsers.query(range());
    expect(active.daily[0]?.users).toBe(2);
  });

  it('answers zeros for a range with no data', async () => {
    const empty = { from: addDays(seed.from, -30), to: addDays(seed.from, -1) };
    const active = await admin.client.admin.reports.activeUsers.query(empty);
    expect(active.daily).toHaveLength(30);
    expect(active.daily.every((row) => row.users === 0)).toBe(true);
    expect((await admin.client.admin.reports.signups.query(empty)).cohorts).toEqual([]);
    expect((await admin.client.admin.reports.lessonsCompleted.query(empty)).rows).toEqual([]);
  });
});

describe('admin.reports input and access', () => {
  const reports = ['activeUsers', 'signups', 'lessonsCompleted', 'xpDistribution', 'aiUsage', 'errorRatio'];

  it.each([
    ['from after to', { from: '2024-03-02', to: '2024-03-01' }],
    ['more than 366 days', { from: '2023-01-01', to: '2024-01-02' }],
    ['not a date', { from: '2024-3-1', to: '2024-03-02' }],
    ['an impossible date', { from: '2024-02-30', to: '2024-03-02' }],
    ['a missing end', { from: '2024-03-01' }],
  ])('refuses %s with 400 VALIDATION_ERROR', async (_name, input) => {
    for (const report of reports) {
      const answer = await trpcCall(t, `admin.reports.${report}`, input, {
        headers: { authorization: admin.authorization },
      });
      expect(answer.status, report).toBe(400);
      expect(answer.items[0]?.error?.json.data.errorCode, report).toBe('VALIDATION_ERROR');
      expect(answer.items[0]?.error?.json.data.requestId, report).toBeTruthy();
    }
  });

  it('accepts exactly 366 days', async () => {
    const report = await admin.client.admin.reports.errorRatio.query({
      from: '2024-01-01',
      to: '2024-12-31',
    });
    expect(report.daily).toHaveLength(366);
  });

  it('refuses a signed-in non-admin with 403 on every report', async () => {
    for (const report of reports) {
      const answer = await trpcCall(t, `admin.reports.${report}`, range(), {
        headers: { authorization: member.authorization },
      });
      expect(answer.status, report).toBe(403);
    }
  });
});
