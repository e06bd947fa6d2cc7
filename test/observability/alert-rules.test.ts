import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { filesIn, REPOSITORY_ROOT, RULE_TESTS_DIR, readRules } from './ops-queries.js';

/**
 * What every alert in ops/prometheus/rules owes the person it wakes: a severity that routes it, a
 * runbook that exists, and promtool tests showing both that it fires and when it must not
 * (`npm run test:alerts` runs them; this only checks they are there).
 */
interface RuleTestFile {
  tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

const alerts = readRules().filter((rule) => rule.alert);
const cases = filesIn(RULE_TESTS_DIR, '.yml').flatMap(({ text }) =>
  (parse(text) as RuleTestFile).tests.flatMap((test) => test.alert_rule_test ?? []),
);

describe('the alerting rules', () => {
  it('exist', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(10);
  });

  it.each(alerts.map((rule) => [rule.alert!, rule] as const))('%s pages or tickets', (_name, rule) => {
    expect(['page', 'ticket']).toContain(rule.labels?.severity);
  });

  it.each(alerts.map((rule) => [rule.alert!, rule] as const))(
    '%s names a runbook that exists',
    (_name, rule) => {
      const runbook = rule.annotations?.runbook_url ?? '';
      expect(runbook).toMatch(/^docs\/runbooks\/[a-z0-9-]+\.md$/);
      expect(existsSync(path.join(REPOSITORY_ROOT, runbook)), runbook).toBe(true);
      expect(rule.annotations?.summary).toBeTruthy();
    },
  );

  it.each(alerts.map((rule) => [rule.alert!]))('%s is tested firing and not firing', (name) => {
    const own = cases.filter((test) => test.alertname === name);
    expect(
      own.some((test) => (test.exp_alerts ?? []).length > 0),
      'a case where it fires',
    ).toBe(true);
    expect(
      own.some((test) => (test.exp_alerts ?? []).length === 0),
      'a case where it must not',
    ).toBe(true);
  });
});
