import { RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { Alarms } from './alarms';
import { AppSecrets } from './app-secrets';
import { Cache } from './cache';
import type { EnvironmentConfig } from './config';
import { Database } from './database';
import { Network } from './network';
import { Services } from './services';

export interface LinguamateStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly certificateArn: string;
  readonly imageTag: string;
  readonly alarmEmail?: string;
}

/**
 * One environment of the Linguamate API: network, PostgreSQL, Redis, secrets, the three ECS services
 * behind an ALB, and alarms. One stack per environment, so that nothing crosses stacks and a staging
 * change can never touch production resources.
 */
export class LinguamateStack extends Stack {
  readonly network: Network;
  readonly database: Database;
  readonly cache: Cache;
  readonly services: Services;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: LinguamateStackProps) {
    super(scope, id, props);
    const { config } = props;
    Tags.of(this).add('app', 'linguamate-api');
    Tags.of(this).add('environment', config.name);

    // One customer-managed key for data at rest (PostgreSQL, its snapshots, Redis, secrets): rotated
    // yearly, kept when the stack goes, or the snapshots it encrypted could never be read again.
    const key = new kms.Key(this, 'DataKey', {
      alias: `alias/linguamate-${config.name}-data`,
      description: `Linguamate ${config.name}: data at rest`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.network = new Network(this, 'Network', config);
    this.database = new Database(this, 'Database', {
      config,
      vpc: this.network.vpc,
      securityGroup: this.network.databaseSecurityGroup,
      key,
    });
    this.cache = new Cache(this, 'Redis', {
      config,
      vpc: this.network.vpc,
      securityGroup: this.network.redisSecurityGroup,
      key,
    });
    const secrets = new AppSecrets(this, 'Secrets', {
      config,
      key,
      database: this.database.instance,
      redisUrl: this.cache.url(),
    });
    this.services = new Services(this, 'Services', {
      config,
      network: this.network,
      secrets: secrets.byKey,
      certificateArn: props.certificateArn,
      imageTag: props.imageTag,
    });
    this.alarms = new Alarms(this, 'Alarms', {
      config,
      database: this.database,
      cache: this.cache,
      services: this.services,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });
  }
}
