import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CONTENT_SECURITY_POLICY } from '../../src/http/edge/security-headers.js';
import { recordAudit } from '../../src/modules/audit/service.js';
import { ensureAdministrator } from '../../src/modules/auth/admin.js';
import { clientWithToken, createUser } from '../factories.js';
import { createTestApp, type TestApp, type TrpcClient } from '../harness.js';
import { isolatedDatabase } from '../isolated-database.js';
import { chartValues, launchChromium, openPage, paintedPixels, screenshot } from './chromium.js';
import { DASHBOARD_CHARTS, type DashboardSeed, seedDashboard } from './seed.js';

/**
 * Whether this build's API has every procedure of a part of the admin contract (notes/admin-contract.md).
 * The console is written against the whole contract; the parts whose procedures are missing are tested
 * for what the console does then (it shows the API's error code and request id) instead.
 */

const ADMIN_PASSWORD = 'Console-Admin-Pass-2026!';
const USER_PASSWORD = 'Console-User-Pass-2026!';

let t: TestApp;
let drop: () => Promise<void>;
let base: string;
let browser: Browser;
let admin: { id: string; email: string };
let user: { id: string; email: string };
let seed: DashboardSeed;

beforeAll(async () => {
  // A database of the test's own: the reports count every row, and the test checks exact numbers.
  const isolated = await isolatedDatabase();
  drop = isolated.drop;
  t = await createTestApp({ database: isolated.database });
  base = await t.listen();

  const adminEmail = `admin-${randomUUID().slice(0, 8)}@example.com`;
  const { userId: adminId } = await ensureAdministrator(t.deps, {
    email: adminEmail,
    name: 'Console Admin',
    readPassword: async () => ADMIN_PASSWORD,
  });
  const anonymous = await t.trpc();
  const userEmail = `learner-${randomUUID().slice(0, 8)}@example.com`;
  const signedUp = await anonymous.auth.signup.mutate({
    email: userEmail,
    password: USER_PASSWORD,
    name: 'Ordinary Learner',
  });
  user = { id: signedUp.user.id, email: userEmail };
  admin = { id: adminId, email: adminEmail };

  seed = await seedDashboard(t, { adminId, userId: user.id });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await drop?.();
});

/**
 * The administrator's own API client, signed in afresh: each sign-in through the console starts a session,
 * and past MAX_SESSIONS_PER_USER the oldest ones end, so an early client's token would not last.
 */
async function adminApi(): Promise<TrpcClient> {
  const anonymous = await t.trpc();
  const login = await anonymous.auth.login.mutate({ email: admin.email, password: ADMIN_PASSWORD });
  return clientWithToken(t, login.accessToken);
}

/** Opens the console and signs in through its form; resolves once the form has answered. */
async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${base}/admin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('nav, .message [role="alert"]').first().waitFor();
}

async function signInAsAdmin(page: Page): Promise<void> {
  await signIn(page, admin.email, ADMIN_PASSWORD);
  await page.locator('nav').waitFor();
}

/** The error the console shows: the API's code and the request id, which must be a real one. */
async function shownError(page: Page, scope = 'body') {
  const box = page.locator(`${scope} [role="alert"]`).first();
  await box.waitFor();
  return {
    code: await box.getAttribute('data-error-code'),
    requestId: await box.getAttribute('data-request-id'),
    text: await box.textContent(),
  };
}

describe('admin console in Chromium', () => {
  it('is served with its own policy, signs an administrator in and keeps the token in memory only', async () => {
    const { page, problems } = await openPage(browser);
    const response = await page.goto(`${base}/admin`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe(ADMIN_CONTENT_SECURITY_POLICY);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'sign-in');

    // A wrong password: the API's code and request id are on the page.
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const refused = await shownError(page);
    expect(refused.code).toBe('UNAUTHORIZED');
    expect(refused.requestId).toMatch(/\S{8,}/);
    expect(refused.text).toContain(refused.requestId!);

    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('main[data-page="dashboard"]').waitFor();
    await expect(page.locator('nav .who').textContent()).resolves.toBe(admin.email);
    const stored = await page.evaluate(
      'JSON.stringify({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })',
    );
    expect(JSON.parse(stored as string)).toEqual({ local: 0, session: 0, cookie: '' });

    // Nothing survives a reload: the console asks to sign in again.
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.locator('nav').count()).toBe(0);

    // Signing out ends the session on the server.
    await signInAsAdmin(page);
    await page.locator('[data-action="sign-out"]').click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const { events } = await (await adminApi()).admin.auditEvents.query({
      actorUserId: admin.id,
      event: 'logged_out',
    });
    expect(events.length).toBe(1);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('audit log: filters by actor and event, pages with the cursor, shows a refused filter', async () => {
    for (let index = 0; index < 55; index++)
      await recordAudit(t.deps, {
        event: 'login_failed',
        severity: 'medium',
        actorUserId: user.id,
        details: { reason: 'wrong_password', seeded: index },
      });
    const { page, problems } = await openPage(browser);
    await signInAsAdmin(page);
    await page.locator('nav').getByRole('link', { name: 'Audit log' }).click();
    await page.locator('.audit-table').waitFor();
    expect(await page.locator('.audit-table [data-event="login_succeeded"]').count()).toBeGreaterThan(0);
    await screenshot(page, 'audit');

    await page.getByLabel('Actor user id').fill(user.id);
    await page.getByLabel('Event').fill('login_failed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('[data-page="1"]').waitFor();
    await expect(page.locator('[data-page="1"]').textContent()).resolves.toContain('50 events');
    expect(await page.locator('.audit-table tbody tr').count()).toBe(50);
    await page.locator('[data-action="next-page"]').click();
    await page.locator('[data-page="2"]').waitFor();
    expect(await page.locator('.audit-table tbody tr').count()).toBe(5);
    expect(await page.locator('.audit-table [data-event="login_failed"]').count()).toBe(5);
    expect(await page.locator('[data-action="next-page"]').count()).toBe(0);

    await page.getByLabel('Actor user id').fill('not-a-uuid');
    await page.getByRole('button', { name: 'Filter' }).click();
    const error = await shownError(page, '.results');
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.requestId).toMatch(/\S{8,}/);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('refuses an ordinary user and keeps no token of them', async () => {
    const { page, problems } = await openPage(browser);
    await signIn(page, user.email, USER_PASSWORD);
    const refusal = page.locator('[data-refusal="admin-only"]');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toContain('Administrators only');
    const error = await shownError(page);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.requestId).toMatch(/\S{8,}/);
    expect(await page.locator('nav').count()).toBe(0);
    await screenshot(page, 'refused');

    // The console signed the session out again, and holds nothing: another page still asks to sign in.
    const { events } = await (await adminApi()).admin.auditEvents.query({
      actorUserId: user.id,
      event: 'logged_out',
    });
    expect(events.length).toBe(1);
    await page.evaluate('location.hash = "#/audit"');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.locator('.audit-table').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('dashboard: every chart draws the seeded data, and its table holds the numbers', async () => {
    const { page, problems } = await openPage(browser);
    await signInAsAdmin(page);
    await page.getByLabel('From').fill(seed.range.from);
    await page.getByLabel('To').fill(seed.range.to);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('.panel-body[aria-busy="false"]').nth(5).waitFor();
    expect(await page.locator('.panel [role="alert"]').count()).toBe(0);
    await screenshot(page, 'dashboard');

    for (const chart of DASHBOARD_CHARTS) {
      const promised = seed.values.filter((value) => value.chart === chart);
      expect(promised.length, `seedDashboard promises no value for ${chart}`).toBeGreaterThan(0);
      const shown = await chartValues(page, chart);
      for (const value of promised)
        expect(
          shown[`${value.series}|${value.label}`],
          `${chart} ${value.series} ${value.label}`,
        ).toBeCloseTo(value.value, 6);
      if (chart !== 'retention-cohorts')
        expect(await paintedPixels(page, chart), `${chart} canvas`).toBeGreaterThan(500);
    }
    // The tables show exactly what the API answers for the range.
    const reports = (await adminApi()).admin.reports;
    const daily = await reports.activeUsers.query(seed.range);
    expect(await chartValues(page, 'daily-active-users')).toEqual(
      Object.fromEntries(daily.daily.map((row) => [`Users|${row.day}`, row.users])),
    );
    const errors = await reports.errorRatio.query(seed.range);
    expect(await chartValues(page, 'error-ratio')).toEqual(
      Object.fromEntries(errors.daily.map((row) => [`Error ratio|${row.day}`, row.ratio])),
    );
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('users: search, view, set premium, revoke sessions, erase, all audited', async () => {
    const victim = await createUser(t, { name: 'To Be Erased' });
    const { page, problems } = await openPage(browser);
    await signInAsAdmin(page);
    await page.locator('nav').getByRole('link', { name: 'Users' }).click();
    await page.getByPlaceholder('Email, name or user id').fill(user.email);
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.locator(`tr[data-user-id="${user.id}"]`);
    await row.waitFor();
    await screenshot(page, 'users');
    await row.getByRole('link', { name: user.email }).click();

    const facts = page.locator(`dl[data-user-id="${user.id}"]`);
    await facts.waitFor();
    await expect(facts.locator('[data-premium]').getAttribute('data-premium')).resolves.toBe('false');
    const premium = page.locator('[data-action="set-premium"]');
    await premium.getByLabel('Premium').check();
    await premium.getByLabel('Reason').fill('Support ticket 1234');
    await premium.getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-premium="true"]').waitFor();
    await page.locator('[data-action="revoke-sessions"]').click();
    await expect(page.locator('[data-revoked]').getAttribute('data-revoked')).resolves.toMatch(/^[1-9]\d*$/);
    await screenshot(page, 'user');

    await page.evaluate(`location.hash = "#/users/${victim.user.id}"`);
    const erase = page.locator('[data-action="erase"]');
    await erase.waitFor();
    const eraseButton = erase.getByRole('button', { name: 'Erase account' });
    await erase.getByRole('textbox').fill('someone-else@example.com');
    expect(await eraseButton.isDisabled()).toBe(true);
    await erase.getByRole('textbox').fill(victim.user.email);
    await eraseButton.click();
    await page.locator(`[data-erased="${victim.user.id}"]`).waitFor();

    const users = (await adminApi()).admin.users;
    expect((await users.get.query({ userId: user.id })).user.isPremium).toBe(true);
    await expect(users.get.query({ userId: victim.user.id })).rejects.toMatchObject({
      data: { errorCode: 'NOT_FOUND' },
    });
    const { events } = await (await adminApi()).admin.auditEvents.query({
      actorUserId: admin.id,
      limit: 200,
    });
    const targets = events.map((event) => event.target);
    expect(targets.filter((target) => target === user.id).length).toBeGreaterThanOrEqual(2);
    expect(targets).toContain(victim.user.id);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('feature flags: create, toggle, roll out, override per user', async () => {
    const key = `console_test_${randomUUID().slice(0, 8)}`;
    const flags = (await adminApi()).admin.flags;
    const flagOf = async () => (await flags.list.query()).flags.find((flag) => flag.key === key);
    const { page, problems } = await openPage(browser);
    await signInAsAdmin(page);
    await page.locator('nav').getByRole('link', { name: 'Feature flags' }).click();
    await page.locator('[data-action="new-flag"]').click();
    const form = page.locator('.flag-form');
    await form.getByLabel('Key').fill(key);
    await form.getByLabel('Description').fill('Made by the browser test');
    await form.getByLabel('Rollout %').fill('25');
    await form.getByRole('button', { name: 'Save flag' }).click();
    const toggle = page.locator(`[data-toggle="${key}"]`);
    await toggle.waitFor();
    await expect(toggle.textContent()).resolves.toBe('off');
    expect(await flagOf()).toMatchObject({
      enabled: false,
      rolloutPercent: 25,
      description: 'Made by the browser test',
    });

    await toggle.click();
    await page.locator(`[data-toggle="${key}"][aria-pressed="true"]`).waitFor();
    expect(await flagOf()).toMatchObject({ enabled: true, rolloutPercent: 25 });

    await page.locator(`[data-edit="${key}"]`).click();
    await page.getByPlaceholder('user id (uuid)').fill(user.id);
    await page.getByRole('button', { name: 'Add override' }).click();
    await page.locator(`[data-remove-override="${user.id}"]`).waitFor();
    expect((await flagOf())?.overrides).toEqual([{ userId: user.id, value: true }]);
    await screenshot(page, 'flags');
    await page.locator(`[data-remove-override="${user.id}"]`).click();
    await expect.poll(async () => (await flagOf())?.overrides.length, { timeout: 5_000 }).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
