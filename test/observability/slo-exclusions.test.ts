import { describe, expect, it } from 'vitest';
import type { ProcedureMeta } from '../../src/trpc/init.js';
import { appRouter } from '../../src/trpc/router.js';
import { readRules } from './ops-queries.js';

/**
 * The latency SLO leaves out the procedures that wait for an outside service: those spending the `ai`
 * or `outbound-fetch` rate-limit policy (ops/prometheus/rules/slo-latency.yml). The rules name them in
 * a regex of route labels; this holds the regex to the router, so that a new AI procedure does not eat
 * the latency budget and a procedure that stops calling out is measured again.
 */
const OUTSIDE_POLICIES = new Set(['ai', 'outbound-fetch']);

const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta } }>,
).map(([path, procedure]) => ({ path, policy: procedure._def.meta?.rateLimit ?? 'default' }));

/** The `route!~"…"` regexes of the latency SLO's rules, as JavaScript (PromQL regexes are anchored). */
function latencyExclusions(): RegExp[] {
  const sources = readRules()
    .filter((rule) => rule.file === 'slo-latency.yml' && rule.expr.includes('http_request_duration_seconds'))
    .flatMap((rule) => [...rule.expr.matchAll(/route!~"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]!));
  // A PromQL string unescapes `\\` to `\`, which the regex then reads.
  return [...new Set(sources)].map((source) => new RegExp(`^(?:${source.replace(/\\\\/g, '\\')})$`));
}

describe('the latency SLO', () => {
  const exclusions = latencyExclusions();

  it('selects its routes with one regex everywhere', () => {
    expect(exclusions).toHaveLength(1);
  });

  it('leaves out exactly the procedures that wait for an outside service', () => {
    const excluded = (path: string) => exclusions[0]!.test(`trpc:${path}`);
    const calling = procedures.filter((procedure) => OUTSIDE_POLICIES.has(procedure.policy));
    expect(calling.map((procedure) => procedure.path)).toContain('chat.sendMessage');
    expect(calling.filter((procedure) => !excluded(procedure.path))).toEqual([]);
    expect(
      procedures.filter((procedure) => !OUTSIDE_POLICIES.has(procedure.policy) && excluded(procedure.path)),
    ).toEqual([]);
  });

  it('leaves out probes, scrapes and uploads, and keeps batches and plain routes', () => {
    const excluded = (route: string) => exclusions[0]!.test(route);
    for (const route of [
      '/api/health/ready',
      '/api/health',
      '/metrics',
      '/api/stt/transcribe',
      '/api/toolkit/stt',
    ])
      expect(excluded(route), route).toBe(true);
    for (const route of ['trpc:batch', 'trpc:unknown', 'unmatched', '/api/ingest/logs', '/api/info'])
      expect(excluded(route), route).toBe(false);
  });
});
