import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { resources, synth } from './synth';

const template = synth('production');
const alarms = resources(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties!);
const topic = Object.keys(template.findResources('AWS::SNS::Topic'));

/** The alarm watching `namespace`/`metricName` (directly or inside a math expression). */
function alarmsOn(namespace: string, metricName: string) {
  return alarms.filter((alarm) => {
    if (alarm.Namespace === namespace && alarm.MetricName === metricName) return true;
    const metrics = (alarm.Metrics ?? []) as {
      MetricStat?: { Metric: { Namespace: string; MetricName: string } };
    }[];
    return metrics.some(
      (m) => m.MetricStat?.Metric.Namespace === namespace && m.MetricStat.Metric.MetricName === metricName,
    );
  });
}

describe('alarms', () => {
  it('all notify the SNS topic, on alarm and back to OK', () => {
    assert.equal(topic.length, 1);
    assert.ok(alarms.length > 0);
    for (const alarm of alarms) {
      assert.deepEqual(alarm.AlarmActions, [{ Ref: topic[0] }], String(alarm.AlarmName));
      assert.deepEqual(alarm.OKActions, [{ Ref: topic[0] }], String(alarm.AlarmName));
    }
  });

  const watched: [string, string, string][] = [
    ['AWS/RDS', 'CPUUtilization', 'GreaterThanThreshold'],
    ['AWS/RDS', 'FreeStorageSpace', 'LessThanThreshold'],
    ['AWS/RDS', 'DatabaseConnections', 'GreaterThanThreshold'],
    ['AWS/ElastiCache', 'DatabaseMemoryUsagePercentage', 'GreaterThanThreshold'],
    ['AWS/ElastiCache', 'Evictions', 'GreaterThanThreshold'],
    ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'GreaterThanThreshold'],
    ['AWS/ApplicationELB', 'TargetResponseTime', 'GreaterThanThreshold'],
    ['ECS/ContainerInsights', 'RunningTaskCount', 'LessThanThreshold'],
  ];
  for (const [namespace, metricName, comparison] of watched) {
    it(`watch ${namespace} ${metricName}`, () => {
      const found = alarmsOn(namespace, metricName);
      assert.ok(found.length > 0, `no alarm on ${namespace} ${metricName}`);
      for (const alarm of found) assert.equal(alarm.ComparisonOperator, comparison);
    });
  }

  it('fire on a p95 target response time above 500 ms', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'TargetResponseTime',
      ExtendedStatistic: 'p95',
      Threshold: 0.5,
    });
  });

  it('fire on a 5xx share above 1% of requests', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: Match.stringLikeRegexp('target5xx') })]),
    });
  });

  it('watch every Redis node and every service', () => {
    assert.equal(alarmsOn('AWS/ElastiCache', 'Evictions').length, 3);
    const services = alarmsOn('ECS/ContainerInsights', 'RunningTaskCount').map((alarm) =>
      JSON.stringify(alarm.Dimensions),
    );
    for (const role of ['api', 'realtime', 'worker'])
      assert.ok(
        services.some((d) => d.includes(`Services${role}Service`)),
        role,
      );
  });
});
