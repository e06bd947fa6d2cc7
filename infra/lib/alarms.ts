import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Cache } from './cache';
import { type EnvironmentConfig, ROLES } from './config';
import type { Database } from './database';
import type { Services } from './services';

export interface AlarmsProps {
  readonly config: EnvironmentConfig;
  readonly database: Database;
  readonly cache: Cache;
  readonly services: Services;
  /** Subscribed to the topic when given (`-c alarmEmail=…`); pager integrations subscribe out of band. */
  readonly alarmEmail?: string;
}

/**
 * CloudWatch alarms on what pages someone: PostgreSQL CPU, free storage and connections; Redis memory and
 * evictions (with `noeviction` any eviction is a surprise); the ALB's 5xx share and p95 target response
 * time (the API's 500 ms objective); each service's running task count. All notify one SNS topic,
 * including the return to OK.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { config, database, cache, services } = props;
    const prefix = `linguamate-${config.name}`;
    this.topic = new sns.Topic(this, 'Topic', { displayName: `Linguamate ${config.name} alarms` });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.topic);

    const alarm = (
      name: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      comparisonOperator: cloudwatch.ComparisonOperator,
      options: { evaluationPeriods?: number; missing?: cloudwatch.TreatMissingData; description: string },
    ) => {
      const created = new cloudwatch.Alarm(this, name, {
        alarmName: `${prefix}-${name}`,
        alarmDescription: options.description,
        metric,
        threshold,
        comparisonOperator,
        evaluationPeriods: options.evaluationPeriods ?? 3,
        treatMissingData: options.missing ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      return created;
    };
    const { GREATER_THAN_THRESHOLD: above, LESS_THAN_THRESHOLD: below } = cloudwatch.ComparisonOperator;
    const fiveMinutes = Duration.minutes(5);

    const db = database.instance;
    alarm('db-cpu', db.metricCPUUtilization({ period: fiveMinutes }), 80, above, {
      description: 'PostgreSQL CPU above 80% for 15 minutes',
    });
    alarm(
      'db-free-storage',
      db.metricFreeStorageSpace({ period: fiveMinutes }),
      config.db.allocatedStorageGiB * 0.1 * 1024 ** 3,
      below,
      { evaluationPeriods: 1, description: 'PostgreSQL free storage below 10% of the allocated size' },
    );
    alarm(
      'db-connections',
      db.metricDatabaseConnections({ period: fiveMinutes }),
      config.db.maxConnections,
      above,
      {
        description: 'PostgreSQL connections near max_connections (pools of every task add up)',
      },
    );

    // Redis metrics are per node; nodes are named <replication group>-001, -002, …
    for (let node = 1; node <= config.redis.nodes; node++) {
      const cacheClusterId = `${cache.replicationGroupId}-${String(node).padStart(3, '0')}`;
      const metric = (metricName: string, statistic: string) =>
        new cloudwatch.Metric({
          namespace: 'AWS/ElastiCache',
          metricName,
          dimensionsMap: { CacheClusterId: cacheClusterId },
          statistic,
          period: fiveMinutes,
        });
      alarm(`redis-memory-${node}`, metric('DatabaseMemoryUsagePercentage', 'Maximum'), 75, above, {
        description: 'Redis memory above 75%: with noeviction, writes (jobs, events) fail when it is full',
      });
      alarm(`redis-evictions-${node}`, metric('Evictions', 'Sum'), 0, above, {
        evaluationPeriods: 1,
        description: 'Redis evicted keys: queues or event streams lost data',
      });
    }

    const alb = services.loadBalancer.metrics;
    const fiveXxRate = new cloudwatch.MathExpression({
      expression: '100 * (target5xx + elb5xx) / MAX([requests, 1])',
      usingMetrics: {
        target5xx: alb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum' }),
        elb5xx: alb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum' }),
        requests: alb.requestCount({ statistic: 'Sum' }),
      },
      period: fiveMinutes,
      label: '5xx share of requests (%)',
    });
    alarm('alb-5xx-rate', fiveXxRate, 1, above, {
      evaluationPeriods: 2,
      description: 'More than 1% of requests answered 5xx',
    });
    alarm('alb-p95-latency', alb.targetResponseTime({ statistic: 'p95', period: fiveMinutes }), 0.5, above, {
      description: 'p95 target response time above 500 ms',
    });

    for (const role of ROLES) {
      const service = services.services[role];
      const running = new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName: 'RunningTaskCount',
        dimensionsMap: { ClusterName: services.cluster.clusterName, ServiceName: service.serviceName },
        statistic: 'Minimum',
        period: Duration.minutes(1),
      });
      alarm(`${role}-running-tasks`, running, config.tasks[role], below, {
        evaluationPeriods: 5,
        missing: cloudwatch.TreatMissingData.BREACHING,
        description: `${role}: fewer running tasks than desired for 5 minutes`,
      });
    }
  }
}
