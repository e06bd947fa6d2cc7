import { describe, expect, it } from 'vitest';
import { RATE_LIMIT_POLICIES } from '../lib/rate-limit/policies.js';
import type { ProcedureMeta } from './init.js';
import { appRouter } from './router.js';

const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta } }>,
).map(([path, procedure]) => ({ path, meta: procedure._def.meta ?? {} }));

const policyOf = (path: string) =>
  procedures.find((procedure) => procedure.path === path)?.meta.rateLimit ?? 'default';

describe('procedure metadata', () => {
  it.each([
    ['auth.login', 'login-ip'],
    ['auth.signin', 'login-ip'],
    ['auth.signup', 'signup-ip'],
    ['auth.requestPasswordReset', 'email-code-ip'],
    ['auth.resetPassword', 'email-code-ip'],
    ['auth.verifyEmail', 'email-code-ip'],
    ['auth.unlockAccount', 'email-code-ip'],
    ['admin.auditEvents', 'admin'],
    ['admin.setPremium', 'admin'],
    ['analytics.trackEvent', 'ingest'],
    ['analytics.track', 'ingest'],
    ['analytics.getLearningAnalytics', 'default'],
    ['lessons.getAll', 'default'],
    ['tutorData.fetch', 'outbound-fetch'],
    ['tutorData.fetchMultiple', 'outbound-fetch'],
    ['tutorData.clearCache', 'default'],
    ['tutorData.getCacheStats', 'default'],
    ['auth.refreshToken', 'default'],
  ])('%s spends the %s budget', (path, policy) => {
    expect(procedures.map((procedure) => procedure.path)).toContain(path);
    expect(policyOf(path)).toBe(policy);
  });

  it('every administrator procedure spends the admin budget', () => {
    const admin = procedures.filter((procedure) => procedure.path.startsWith('admin.'));
    expect(admin.length).toBeGreaterThan(0);
    for (const procedure of admin) expect(procedure.meta.rateLimit, procedure.path).toBe('admin');
  });

  it('names only policies that exist, and only ones a procedure can spend by itself', () => {
    const spendable = new Map(RATE_LIMIT_POLICIES.map((policy) => [policy.name as string, policy.key]));
    for (const { path, meta } of procedures) {
      if (meta.rateLimit === undefined) continue;
      expect(spendable.get(meta.rateLimit), path).toMatch(/^(ip|user-or-ip)$/);
    }
  });

  it('marks as publicly cacheable only reads of the bundled content', () => {
    const cacheable = procedures.filter((procedure) => procedure.meta.cache === 'public').map((p) => p.path);
    expect(cacheable.sort()).toEqual([
      'dialogue.getScenes',
      'dialogue.getTopics',
      'learn.getContent',
      'lessons.getAll',
      'lessons.getById',
    ]);
  });
});
