import { Duration } from 'aws-cdk-lib';

/** The deployments this app knows; `cdk synth -c env=production` picks one. */
export const ENVIRONMENT_NAMES = ['staging', 'production'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/**
 * The roles of src/config/env.ts (`ROLES`): one ECS service each. Kept as a copy because infra/ is a
 * package of its own; test/config.test.ts fails when the two lists drift apart.
 */
export const ROLES = ['api', 'realtime', 'worker'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The variables src/config/env.ts names in `SECRET_ENV_KEYS`: each is a Secrets Manager secret handed to
 * the containers as an ECS secret, never as plain environment. Same drift check as ROLES.
 */
export const SECRET_ENV_KEYS = [
  'JWT_SECRET',
  'JWT_PREVIOUS_KEYS',
  'METRICS_TOKEN',
  'DATABASE_URL',
  'REDIS_URL',
  'SMTP_URL',
  'REVENUECAT_WEBHOOK_SECRET',
  'AI_API_KEY',
  'STT_API_KEY',
  'IMAGES_API_KEY',
  'LOG_INGEST_SIGNING_KEY',
  'SENTRY_DSN',
] as const;
export type SecretEnvKey = (typeof SECRET_ENV_KEYS)[number];

/** What differs between staging and production; everything else is the same code path. */
export interface EnvironmentConfig {
  readonly name: EnvironmentName;
  readonly maxAzs: number;
  readonly natGateways: number;
  readonly db: {
    readonly instanceClass: string;
    readonly multiAz: boolean;
    readonly allocatedStorageGiB: number;
    readonly maxAllocatedStorageGiB: number;
    readonly backupRetention: Duration;
    readonly deletionProtection: boolean;
    /** Connections alarm threshold: ~80% of the class's default max_connections. */
    readonly maxConnections: number;
  };
  readonly redis: {
    readonly nodeType: string;
    /** Primary plus replicas; at least 2 so that failover has somewhere to go. */
    readonly nodes: number;
    readonly snapshotRetentionDays: number;
  };
  /** Desired tasks per role. */
  readonly tasks: Readonly<Record<Role, number>>;
  readonly taskCpu: number;
  readonly taskMemoryMiB: number;
  readonly logRetentionDays: number;
  /** CORS_ORIGINS (required by the app in production). */
  readonly corsOrigins: string;
  /**
   * Secrets whose values only an operator has (provider keys, SMTP, Sentry): created by hand as
   * `linguamate/<env>/<KEY>` before the first deploy and referenced by name. The rest are generated here.
   */
  readonly externalSecrets: readonly SecretEnvKey[];
}

const OPERATOR_SECRETS: readonly SecretEnvKey[] = [
  'JWT_PREVIOUS_KEYS',
  'SMTP_URL',
  'REVENUECAT_WEBHOOK_SECRET',
  'AI_API_KEY',
  'STT_API_KEY',
  'IMAGES_API_KEY',
  'SENTRY_DSN',
];

export const ENVIRONMENTS: Readonly<Record<EnvironmentName, EnvironmentConfig>> = {
  staging: {
    name: 'staging',
    maxAzs: 2,
    natGateways: 1,
    db: {
      instanceClass: 't4g.medium',
      multiAz: false,
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 100,
      backupRetention: Duration.days(7),
      deletionProtection: false,
      maxConnections: 300,
    },
    redis: { nodeType: 'cache.t4g.small', nodes: 2, snapshotRetentionDays: 3 },
    tasks: { api: 1, realtime: 1, worker: 1 },
    taskCpu: 512,
    taskMemoryMiB: 1024,
    logRetentionDays: 14,
    corsOrigins: 'https://staging.linguamate.app',
    externalSecrets: OPERATOR_SECRETS,
  },
  production: {
    name: 'production',
    maxAzs: 3,
    natGateways: 3,
    db: {
      instanceClass: 'm7g.large',
      multiAz: true,
      allocatedStorageGiB: 100,
      maxAllocatedStorageGiB: 1000,
      backupRetention: Duration.days(30),
      deletionProtection: true,
      maxConnections: 600,
    },
    redis: { nodeType: 'cache.m7g.large', nodes: 3, snapshotRetentionDays: 14 },
    tasks: { api: 3, realtime: 2, worker: 2 },
    taskCpu: 1024,
    taskMemoryMiB: 2048,
    logRetentionDays: 90,
    corsOrigins: 'https://app.linguamate.app',
    externalSecrets: OPERATOR_SECRETS,
  },
};

/** Resolves `-c env=…`; anything else is a typo that must not silently deploy staging settings. */
export function resolveEnvironment(name: unknown): EnvironmentConfig {
  if (typeof name !== 'string' || !(ENVIRONMENT_NAMES as readonly string[]).includes(name)) {
    throw new Error(`context "env" must be one of ${ENVIRONMENT_NAMES.join(', ')} (got ${String(name)})`);
  }
  return ENVIRONMENTS[name as EnvironmentName];
}
