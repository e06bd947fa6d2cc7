import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { InstanceType, SubnetType } from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from './config';

export interface DatabaseProps {
  readonly config: EnvironmentConfig;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly key: kms.IKey;
}

export const DATABASE_NAME = 'linguamate';

/**
 * RDS for PostgreSQL 16 (the version CI runs against): encrypted with the stack's KMS key, point-in-time
 * recovery through automated backups, master credentials generated into Secrets Manager (never in the
 * template), TLS enforced by the parameter group. A plain instance rather than Aurora: one writer is
 * what the app uses, and Multi-AZ gives the standby without Aurora's cost floor.
 */
export class Database extends Construct {
  readonly instance: rds.DatabaseInstance;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { config, key } = props;
    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_9 });
    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      parameters: { 'rds.force_ssl': '1', log_min_duration_statement: '1000' },
    });

    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      engine,
      parameterGroup,
      instanceType: new InstanceType(config.db.instanceClass),
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      securityGroups: [props.securityGroup],
      publiclyAccessible: false,
      multiAz: config.db.multiAz,
      databaseName: DATABASE_NAME,
      credentials: rds.Credentials.fromGeneratedSecret('linguamate', {
        secretName: `linguamate/${config.name}/db-master`,
        encryptionKey: key,
      }),
      iamAuthentication: true,
      storageType: rds.StorageType.GP3,
      allocatedStorage: config.db.allocatedStorageGiB,
      maxAllocatedStorage: config.db.maxAllocatedStorageGiB,
      storageEncrypted: true,
      storageEncryptionKey: key,
      backupRetention: config.db.backupRetention,
      preferredBackupWindow: '02:00-03:00',
      preferredMaintenanceWindow: 'sun:03:30-sun:04:30',
      deleteAutomatedBackups: false,
      copyTagsToSnapshot: true,
      deletionProtection: config.db.deletionProtection,
      // Production keeps the instance itself if the stack goes; staging keeps a final snapshot.
      removalPolicy: config.name === 'production' ? RemovalPolicy.RETAIN : RemovalPolicy.SNAPSHOT,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: key,
      cloudwatchLogsExports: ['postgresql'],
      monitoringInterval: Duration.seconds(60),
      autoMinorVersionUpgrade: true,
    });
  }
}
