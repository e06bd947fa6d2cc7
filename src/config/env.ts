import { randomBytes } from 'node:crypto';
import proxyAddr from 'proxy-addr';
import { z } from 'zod';
import { CLIENT_LOG_LEVELS, type ClientLogLevel } from '../db/schema/client-logs.js';

/**
 * The only reader of `process.env`. Everything the service can be configured with is declared here,
 * parsed once with Zod, and handed to the rest of the code as a typed, frozen object.
 */

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const postgresUrl = z
  .string()
  .url()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// or postgresql:// URL');
const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//.test(value), 'must be an http:// or https:// URL');
const redisUrl = z
  .string()
  .url()
  .refine((value) => /^rediss?:\/\//.test(value), 'must be a redis:// or rediss:// URL');

/** `a, b,,c` → `['a', 'b', 'c']`: the shape of every list variable. */
const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean),
);

export const ROLES = ['api', 'realtime', 'worker'] as const;
export type Role = (typeof ROLES)[number];
const roleList = commaList.pipe(
  z
    .array(z.enum(ROLES, { error: `expected a comma-separated list of ${ROLES.join(', ')}` }))
    .min(1)
    .transform((roles) => [...new Set(roles)]),
);

const originList = commaList.pipe(
  z.array(
    z.union([
      z.literal('*'),
      z.string().refine(isBareOrigin, 'each origin must be scheme://host[:port], without a path'),
    ]),
  ),
);

/** `kid:secret,kid:secret`: retired signing keys whose tokens still verify until they expire. */
const keyList = commaList
  .transform((entries) =>
    entries.map((entry) => {
      const colon = entry.indexOf(':');
      return { kid: entry.slice(0, colon), secret: entry.slice(colon + 1) };
    }),
  )
  .pipe(
    z.array(
      z.object({
        kid: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'each entry must be kid:secret'),
        secret: z.string().min(32, 'each secret must be at least 32 characters'),
      }),
    ),
  );

/** `127.0.0.1,10.0.0.0/8,loopback`: proxies whose X-Forwarded-For is believed (proxy-addr's syntax). */
const proxyList = commaList.pipe(
  z.array(
    z
      .string()
      .refine(isProxyEntry, 'each entry must be an IP, a CIDR range, loopback, linklocal or uniquelocal'),
  ),
);

/**
 * `api.example.com,*.cdn.example.com`: hosts tutorData may fetch from. `*.suffix` matches any host below
 * the suffix (not the suffix itself) and needs a suffix of at least two labels, so no entry can allow a
 * whole top-level domain. Entries are normalised as URLs normalise hosts (lower case, punycode).
 */
const hostPatternList = commaList.pipe(
  z.array(
    z
      .string()
      .transform(normaliseHostPattern)
      .refine(
        (value) => value !== null,
        'each entry must be a host name (api.example.com) or *.suffix with at least two labels',
      )
      .transform((value) => value as string),
  ),
);

/** Days each client log level is kept (api-contract §10), unless CLIENT_LOG_RETENTION_DAYS says otherwise. */
export const DEFAULT_CLIENT_LOG_RETENTION_DAYS: Readonly<Record<ClientLogLevel, number>> = {
  trace: 1,
  debug: 7,
  info: 30,
  notice: 30,
  warn: 90,
  error: 90,
  fatal: 90,
  security: 90,
};

/** `debug:3,security:365`: retention in days per client log level; levels not named keep their default. */
const retentionDays = commaList
  .transform((entries) => entries.map((entry) => entry.split(':').map((part) => part.trim())))
  .pipe(
    z.array(
      z.tuple(
        [
          z.enum(CLIENT_LOG_LEVELS),
          z
            .string()
            .regex(/^\d{1,4}$/)
            .transform(Number)
            .pipe(z.number().min(1).max(3_650)),
        ],
        {
          error: `each entry must be level:days, level one of ${CLIENT_LOG_LEVELS.join(', ')}, days 1-3650`,
        },
      ),
    ),
  )
  .transform(
    (entries): Record<ClientLogLevel, number> => ({
      ...DEFAULT_CLIENT_LOG_RETENTION_DAYS,
      ...Object.fromEntries(entries),
    }),
  );

function normaliseHostPattern(entry: string): string | null {
  const wildcard = entry.startsWith('*.');
  const host = wildcard ? entry.slice(2) : entry;
  if (!/^[^\s/?#@:*\\]+$/.test(host)) return null;
  let normalised: string;
  try {
    normalised = new URL(`http://${host}/`).hostname.replace(/\.$/, '');
  } catch {
    return null;
  }
  if (normalised === '' || (wildcard && normalised.split('.').length < 2)) return null;
  return wildcard ? `*.${normalised}` : normalised;
}

function isProxyEntry(value: string): boolean {
  try {
    proxyAddr.compile(value);
    return true;
  } catch {
    return false;
  }
}

function isBareOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .default('info'),

  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_MAX: positiveInt.max(200).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: positiveInt.default(15_000),
  DATABASE_CONNECT_RETRIES: z.coerce.number().int().min(0).max(30).default(8),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Where `npm run backup` writes dumps and their manifests. */
  BACKUP_DIR: z.string().min(1).default('./backups'),
  /** Backups kept: the newest this many, and none older than BACKUP_KEEP_DAYS (the newest always stays). */
  BACKUP_KEEP_COUNT: z.coerce.number().int().min(1).max(10_000).default(14),
  BACKUP_KEEP_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
  MIGRATE_ON_START: booleanFlag.default(true),
  SEED_ON_START: booleanFlag.default(true),

  REDIS_URL: redisUrl.optional(),
  /** A Redis command unanswered this long fails its caller, which then works without Redis. */
  REDIS_COMMAND_TIMEOUT_MS: positiveInt.min(50).max(10_000).default(1_000),
  /** How long start-up waits for Redis before serving degraded while it keeps reconnecting. */
  REDIS_STARTUP_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(10_000),

  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_KEY_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,32}$/, 'must be 1-32 characters of A-Z a-z 0-9 . _ -')
    .default('k1'),
  JWT_PREVIOUS_KEYS: keyList.optional(),
  JWT_ISSUER: z.string().min(1).max(200).default('linguamate-api'),
  JWT_AUDIENCE: z.string().min(1).max(200).default('linguamate-app'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3_600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
  MAX_SESSIONS_PER_USER: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCKOUT_THRESHOLD: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1_440).default(15),
  SMTP_URL: z
    .string()
    .url()
    .refine((value) => /^smtps?:\/\//.test(value), 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).max(200).default('Linguamate <no-reply@linguamate.app>'),
  REVENUECAT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  ALLOW_DEV_PREMIUM_UPGRADE: booleanFlag.default(false),
  CORS_ORIGINS: originList.optional(),
  TRUSTED_PROXIES: proxyList.default([]),

  ACCESS_LOG: z.enum(['all', 'errors', 'off']).default('errors'),
  ACCESS_LOG_SLOW_MS: z.coerce.number().int().min(0).max(600_000).default(1_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  REQUEST_DEADLINE_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  UPLOAD_DEADLINE_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(10_000_000).default(100_000),
  UPLOAD_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(100_000_000).default(10_000_000),
  TRPC_MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(20),
  HTTP_MAX_HEADER_BYTES: z.coerce.number().int().min(1_024).max(65_536).default(16_384),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(65_000),
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  WS_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  WS_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).max(1_000).default(10),
  WS_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1_024).max(10_000_000).default(100_000),
  WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1_024).max(100_000_000).default(1_000_000),
  WS_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  WS_MESSAGE_FLOOD_LIMIT: z.coerce.number().int().min(10).max(100_000).default(300),
  CORS_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LESSON_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  RESPONSE_CACHE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(60),
  LEADERBOARD_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(2),
  RESPONSE_CACHE_MAX_MB: z.coerce.number().int().min(1).max(1_024).default(32),
  ANALYTICS_BATCH_MAX_ROWS: z.coerce.number().int().min(1).max(5_000).default(500),
  ANALYTICS_BATCH_MAX_WAIT_MS: z.coerce.number().int().min(0).max(1_000).default(5),
  ANALYTICS_QUEUE_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
  ANALYTICS_WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  TUTOR_DATA_ALLOWED_HOSTS: hostPatternList.default([]),
  TUTOR_DATA_MAX_BYTES: z.coerce.number().int().min(1_024).max(10_000_000).default(1_000_000),
  TUTOR_DATA_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(30_000).default(10_000),
  TUTOR_DATA_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  TUTOR_DATA_CACHE_MAX_MB: z.coerce.number().int().min(1).max(1_024).default(64),

  AI_BASE_URL: httpUrl.optional(),
  AI_API_KEY: z.string().min(1).max(500).optional(),
  AI_MODEL: z.string().min(1).max(200).default('gpt-4o-mini'),
  STT_BASE_URL: httpUrl.optional(),
  STT_API_KEY: z.string().min(1).max(500).optional(),
  STT_MODEL: z.string().min(1).max(200).default('whisper-1'),
  IMAGES_BASE_URL: httpUrl.optional(),
  IMAGES_API_KEY: z.string().min(1).max(500).optional(),
  IMAGES_MODEL: z.string().min(1).max(200).default('gpt-image-1'),
  AI_ATTEMPT_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(15_000),
  AI_DEADLINE_MS: z.coerce.number().int().min(100).max(30_000).default(30_000),
  AI_RETRIES: z.coerce.number().int().min(0).max(5).default(3),
  AI_BACKOFF_INITIAL_MS: z.coerce.number().int().min(1).max(10_000).default(250),
  AI_BACKOFF_MAX_MS: z.coerce.number().int().min(1).max(30_000).default(4_000),
  AI_BREAKER_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  AI_BREAKER_HALF_OPEN_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  AI_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(100),
  AI_MAX_QUEUED: z.coerce.number().int().min(0).max(100_000).default(200),
  LOG_INGEST_SIGNING_KEY: z.string().min(16, 'must be at least 16 characters').max(512).optional(),
  CLIENT_LOG_RETENTION_DAYS: retentionDays.default({ ...DEFAULT_CLIENT_LOG_RETENTION_DAYS }),
  CLIENT_LOG_PRUNE_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(1_440).default(60),
  EVENTS_STREAM_MAX_LENGTH: z.coerce.number().int().min(10).max(100_000).default(1_000),
  EVENTS_STREAM_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  EVENTS_RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(500),
  EVENTS_RELAY_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  EVENTS_OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(1).max(8_760).default(72),
  LEADERBOARD_CHANGE_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  /**
   * Safety net of the feature flag cache: each instance re-reads the flags this often, in case it missed a
   * change message (changes are announced on pub/sub and seen at once otherwise).
   */
  FLAGS_REFRESH_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  /**
   * What this process does (comma separated): `api` (HTTP), `realtime` (WebSocket), `worker` (the
   * background jobs). `npm start` plays all three; `worker` alone is the job worker (src/main.ts).
   */
  ROLES: roleList.default(['api', 'realtime', 'worker']),
  /** Health, readiness and /metrics of `npm run worker`. */
  WORKER_PORT: port.default(8081),
  /** Jobs one worker runs at once, per queue. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(2),
  /** Safety-net pass of the mail outbox (mail is also dispatched as soon as it is queued). */
  MAIL_DISPATCH_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  /** Local hour (0-23) at which learners with a streak and no activity yet that day are reminded. */
  STREAK_REMINDER_HOUR: z.coerce.number().int().min(0).max(23).default(20),
  /** Local hour (0-23) at which learners with cards due are reminded. */
  SRS_REMINDER_HOUR: z.coerce.number().int().min(0).max(23).default(9),
  /** How far back the daily analytics rollup catches up on days it has not computed. */
  ANALYTICS_ROLLUP_CATCH_UP_DAYS: z.coerce.number().int().min(1).max(366).default(7),
  /**
   * How often the per-day operational counters (requests, 5xx, AI requests, quota denials) are added to
   * ops_counters_daily; they are also flushed at shutdown. 0 flushes only at shutdown.
   */
  REPORT_COUNTERS_FLUSH_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  /** Jobs kept in BullMQ's failed set per queue (dead letters are also recorded in job_dead_letters). */
  JOBS_FAILED_RETENTION: z.coerce.number().int().min(1).max(100_000).default(1_000),

  /** What is running, as traces and error reports name it; defaults to package.json's version. */
  RELEASE: z
    .string()
    .regex(/^[\w.@+-]{1,100}$/, 'letters, digits and . @ + - _ only')
    .optional(),
  /** OTLP/HTTP collector (e.g. http://127.0.0.1:4318): traces are exported there; unset: tracing is off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  /** Share of new traces recorded (0-1); a trusted caller's sampled `traceparent` is always followed. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  OTEL_SERVICE_NAME: z.string().min(1).max(100).default('linguamate-api'),
  /** Callers whose `traceparent` is followed (IPs, CIDRs, loopback…); defaults to TRUSTED_PROXIES. */
  TRACE_TRUSTED_CALLERS: proxyList.optional(),
  /** Sentry (or a compatible server) receiving unexpected errors; unset: none are sent. */
  SENTRY_DSN: httpUrl.optional(),
});

type ParsedEnv = z.infer<typeof envSchema>;

/** Every variable the service reads. */
export const ENV_KEYS = Object.keys(envSchema.shape) as (keyof ParsedEnv)[];

export type Env = Readonly<
  Omit<ParsedEnv, 'JWT_SECRET' | 'CORS_ORIGINS' | 'JWT_PREVIOUS_KEYS'> & {
    JWT_PREVIOUS_KEYS: readonly { kid: string; secret: string }[];
    JWT_SECRET: string;
    /** True when JWT_SECRET was not configured and a per-process random one is in use (dev and test only). */
    JWT_SECRET_EPHEMERAL: boolean;
    CORS_ORIGINS: readonly string[];
  }
>;

/** Names of variables whose values must never reach a log line or an error body. */
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

/** What a helper program inherits (locating programs, locale, time zone): never our own configuration. */
const CHILD_PROCESS_KEYS = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'] as const;

/**
 * The environment for a helper program such as pg_dump: the system variables it needs to run plus
 * `extra`, and none of the service's variables (secrets among them) that `process.env` also holds.
 */
export function childProcessEnv(extra: Record<string, string> = {}): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const key of CHILD_PROCESS_KEYS) {
    const value = process.env[key];
    if (value !== undefined) inherited[key] = value;
  }
  return { ...inherited, ...extra };
}

/** Thrown for invalid configuration; its message is one line naming the variable and the problem. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses and checks configuration. Throws `ConfigError` with a one-line message on the first problem. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "not set": shells and .env files often leave `FOO=` behind.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(
      ([key, value]) => key in envSchema.shape && value !== undefined && value !== '',
    ),
  );
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Invalid configuration: ${variable} ${describeIssue(issue)}`);
  }
  const env = result.data;

  if (env.NODE_ENV === 'production') {
    const missing = (['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'CORS_ORIGINS'] as const).find(
      (key) => env[key] === undefined || (Array.isArray(env[key]) && env[key].length === 0),
    );
    if (missing) {
      throw new ConfigError(`Invalid configuration: ${missing} is required when NODE_ENV=production`);
    }
    if (env.ALLOW_DEV_PREMIUM_UPGRADE) {
      throw new ConfigError('Invalid configuration: ALLOW_DEV_PREMIUM_UPGRADE must be false in production');
    }
    if (env.LOG_INGEST_SIGNING_KEY === 'change-me-in-production') {
      throw new ConfigError(
        "Invalid configuration: LOG_INGEST_SIGNING_KEY must not be the app's placeholder in production",
      );
    }
    if (env.CORS_ORIGINS?.includes('*')) {
      throw new ConfigError(
        'Invalid configuration: CORS_ORIGINS must list explicit origins in production, not *',
      );
    }
  }

  return Object.freeze({
    ...env,
    JWT_SECRET: env.JWT_SECRET ?? randomBytes(48).toString('base64url'),
    JWT_SECRET_EPHEMERAL: env.JWT_SECRET === undefined,
    // Development without a list: the Expo web dev servers, so `npm start` works with the app as it is.
    CORS_ORIGINS: Object.freeze(
      env.CORS_ORIGINS ??
        (env.NODE_ENV === 'development' ? ['http://localhost:8081', 'http://localhost:19006'] : []),
    ),
    JWT_PREVIOUS_KEYS: Object.freeze(env.JWT_PREVIOUS_KEYS ?? []),
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // Never echo the received value: it may be a secret.
  const message = issue.message.replace(/^Invalid input: /, '');
  return issue.code === 'invalid_type' ? `is invalid: ${message}` : message.toLowerCase();
}

/** Reads `process.env` once. This is the only place in the code base that touches it. */
export function loadEnv(): Env {
  return parseEnv(process.env);
}
