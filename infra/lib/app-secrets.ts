import { Fn, SecretValue } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { EnvironmentConfig, SecretEnvKey } from './config';
import { DATABASE_NAME } from './database';

export interface AppSecretsProps {
  readonly config: EnvironmentConfig;
  readonly key: kms.IKey;
  readonly database: rds.DatabaseInstance;
  readonly redisUrl: string;
}

/** Keys whose value is random and owned by this stack. */
const GENERATED: readonly SecretEnvKey[] = ['JWT_SECRET', 'METRICS_TOKEN', 'LOG_INGEST_SIGNING_KEY'];

/**
 * One Secrets Manager secret per SECRET_ENV_KEYS entry, named `linguamate/<env>/<KEY>`, so the container
 * sees exactly the variable src/config/env.ts reads. JWT_SECRET, METRICS_TOKEN and LOG_INGEST_SIGNING_KEY
 * are generated; DATABASE_URL and REDIS_URL are composed by CloudFormation from the generated database
 * credentials and Redis AUTH token (dynamic references: no value in the template); the operator's provider
 * keys are referenced by name (an environment that leaves one out leaves that variable unset).
 */
export class AppSecrets extends Construct {
  readonly byKey: ReadonlyMap<SecretEnvKey, secretsmanager.ISecret>;

  constructor(scope: Construct, id: string, props: AppSecretsProps) {
    super(scope, id);
    const { config, key, database } = props;
    const name = (envKey: SecretEnvKey) => `linguamate/${config.name}/${envKey}`;
    const secrets = new Map<SecretEnvKey, secretsmanager.ISecret>();

    for (const envKey of GENERATED) {
      secrets.set(
        envKey,
        new secretsmanager.Secret(this, envKey, {
          secretName: name(envKey),
          encryptionKey: key,
          generateSecretString: { passwordLength: 64, excludePunctuation: true },
        }),
      );
    }

    const dbSecret = database.secret!;
    // RDS's generated password excludes URL-reserved characters, so it needs no escaping here. TLS is
    // enforced by the server (rds.force_ssl); `no-verify` because the image carries no RDS CA bundle yet.
    const databaseUrl = Fn.join('', [
      'postgres://',
      dbSecret.secretValueFromJson('username').unsafeUnwrap(),
      ':',
      dbSecret.secretValueFromJson('password').unsafeUnwrap(),
      '@',
      database.dbInstanceEndpointAddress,
      ':',
      database.dbInstanceEndpointPort,
      `/${DATABASE_NAME}?sslmode=no-verify`,
    ]);
    const composed: ReadonlyArray<[SecretEnvKey, string]> = [
      ['DATABASE_URL', databaseUrl],
      ['REDIS_URL', props.redisUrl],
    ];
    for (const [envKey, value] of composed) {
      secrets.set(
        envKey,
        new secretsmanager.Secret(this, envKey, {
          secretName: name(envKey),
          encryptionKey: key,
          secretStringValue: SecretValue.unsafePlainText(value),
        }),
      );
    }

    for (const envKey of config.externalSecrets) {
      secrets.set(envKey, secretsmanager.Secret.fromSecretNameV2(this, envKey, name(envKey)));
    }

    this.byKey = secrets;
  }
}
