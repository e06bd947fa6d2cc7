import { CfnDeletionPolicy, Fn, Token } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from './config';

export interface CacheProps {
  readonly config: EnvironmentConfig;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly key: kms.IKey;
}

/**
 * ElastiCache for Redis 7, cluster mode off (BullMQ and the event streams use multi-key commands on one
 * shard): a primary and replicas across AZs with automatic failover, TLS in transit, KMS at rest, an AUTH
 * token generated into Secrets Manager, daily snapshots. Redis holds event streams and job queues, so
 * `maxmemory-policy` is `noeviction` (BullMQ's requirement): a full Redis refuses writes instead of
 * silently dropping jobs, and the memory alarm fires well before that.
 */
export class Cache extends Construct {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  readonly authToken: secretsmanager.Secret;
  readonly port = 6379;
  /** Fixed, so that the per-node CloudWatch dimensions (<id>-001, …) are known at synth time. */
  readonly replicationGroupId: string;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    const { config } = props;
    this.replicationGroupId = `linguamate-${config.name}`;
    if (config.redis.nodes < 2) throw new Error('Redis needs at least 2 nodes for automatic failover');

    this.authToken = new secretsmanager.Secret(this, 'AuthToken', {
      secretName: `linguamate/${config.name}/redis-auth-token`,
      description: 'ElastiCache AUTH token (alphanumeric: ElastiCache refuses most punctuation)',
      encryptionKey: props.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'Linguamate Redis: isolated data subnets',
      subnetIds: props.vpc.isolatedSubnets.map((subnet) => subnet.subnetId),
    });
    const parameterGroup = new elasticache.CfnParameterGroup(this, 'Parameters', {
      cacheParameterGroupFamily: 'redis7',
      description: 'Linguamate Redis: noeviction for BullMQ and the event streams',
      properties: { 'maxmemory-policy': 'noeviction' },
    });

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupId: this.replicationGroupId,
      replicationGroupDescription: `Linguamate ${config.name} Redis`,
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: config.redis.nodeType,
      numCacheClusters: config.redis.nodes,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      atRestEncryptionEnabled: true,
      kmsKeyId: props.key.keyArn,
      transitEncryptionEnabled: true,
      // A dynamic reference to the secret: the token itself never appears in the template.
      authToken: this.authToken.secretValue.unsafeUnwrap(),
      port: this.port,
      cacheSubnetGroupName: subnetGroup.ref,
      cacheParameterGroupName: parameterGroup.ref,
      securityGroupIds: [props.securityGroup.securityGroupId],
      snapshotRetentionLimit: config.redis.snapshotRetentionDays,
      snapshotWindow: '01:00-02:00',
      preferredMaintenanceWindow: 'sun:04:30-sun:05:30',
      autoMinorVersionUpgrade: true,
    });
    // Deleting the stack takes a final snapshot of the queues and streams instead of losing them.
    this.replicationGroup.cfnOptions.deletionPolicy = CfnDeletionPolicy.SNAPSHOT;
    this.replicationGroup.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.SNAPSHOT;
  }

  /** `rediss://:<token>@<primary>:6379`, as REDIS_URL expects; resolved by CloudFormation at deploy. */
  url(): string {
    const host = this.replicationGroup.attrPrimaryEndPointAddress;
    const token = this.authToken.secretValue.unsafeUnwrap();
    return Fn.join('', ['rediss://:', token, '@', host, ':', Token.asString(this.port)]);
  }
}
