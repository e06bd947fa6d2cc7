import { describe, expect, it } from 'vitest';
import { declaredTypes, isExposed, metricNamesIn } from './promql.js';

describe('metricNamesIn', () => {
  it.each([
    ['a bare name', 'ws_connections_open', ['ws_connections_open']],
    [
      'names beside functions, aggregations and grouping clauses',
      'sum by (job, route) (rate(http_requests_total{status=~"5..", route!~"/api/health.*"}[5m]))',
      ['http_requests_total'],
    ],
    [
      'a histogram bucket under histogram_quantile, le and all',
      'histogram_quantile(0.95, sum without (instance) (rate(http_request_duration_seconds_bucket{le="0.5"}[$__rate_interval])))',
      ['http_request_duration_seconds_bucket'],
    ],
    [
      'both sides of binary operators with vector matching',
      '(db_pool_connections_total - db_pool_connections_idle) / on (job, instance) group_left() db_pool_connections_max >= 0.9',
      ['db_pool_connections_total', 'db_pool_connections_idle', 'db_pool_connections_max'],
    ],
    [
      'keywords, offsets, numbers and durations',
      'process_resident_memory_bytes > 1.5 * (process_resident_memory_bytes offset 6h) and 512 * 1024 or vector(1e6) unless bool nan',
      ['process_resident_memory_bytes'],
    ],
    [
      'a subquery and an aggregation written after its argument',
      'max(max_over_time(outbound_circuit_state{provider="llm"}[10m:1m])) by (provider)',
      ['outbound_circuit_state'],
    ],
    [
      'label values that look like metric names, in either quote',
      'jobs_total{outcome=\'dead_lettered\', job="mail_dispatch"}',
      ['jobs_total'],
    ],
    [
      'recording-rule names (colons included)',
      'job:slo_availability_errors:ratio_rate1h > (14.4 * 0.001)',
      ['job:slo_availability_errors:ratio_rate1h'],
    ],
    [
      'a Grafana variable query',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${variable} syntax, not a template.
      'label_values(process_start_time_seconds{job=~"$job", instance=~"${instance}"}, instance)',
      ['process_start_time_seconds'],
    ],
    ['a Grafana variable query of a label alone', 'label_values(job)', []],
  ])('finds %s', (_case, expr, names) => {
    expect(metricNamesIn(expr).sort()).toEqual([...names].sort());
  });
});

describe('isExposed', () => {
  const types = declaredTypes(
    [
      '# HELP jobs_total Background job attempts',
      '# TYPE jobs_total counter',
      '# TYPE job_duration_seconds histogram',
      '# TYPE ws_connections_open gauge',
      'ws_connections_open 0',
    ].join('\n'),
  );

  it('finds declared names and the series of a declared histogram', () => {
    expect(isExposed('jobs_total', types)).toBe(true);
    expect(isExposed('job_duration_seconds_bucket', types)).toBe(true);
    expect(isExposed('job_duration_seconds_count', types)).toBe(true);
  });

  it('refuses names never declared, and suffixes of anything but a histogram or summary', () => {
    expect(isExposed('jobs_waiting', types)).toBe(false);
    expect(isExposed('ws_connections_open_count', types)).toBe(false);
    expect(isExposed('ws_connections', types)).toBe(false);
  });
});
