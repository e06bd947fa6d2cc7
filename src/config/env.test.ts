import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../lib/project-root.js';
import { ConfigError, childProcessEnv, ENV_KEYS, parseEnv } from './env.js';

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app@db.internal:5432/linguamate',
  REDIS_URL: 'redis://cache.internal:6379',
  JWT_SECRET: 'a-production-secret-of-at-least-32-chars!!',
  CORS_ORIGINS: 'https://linguamate.app,https://www.linguamate.app',
};

function configError(source: Record<string, string | undefined>): string {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseEnv', () => {
  it('plays every role by default, and only the roles ROLES names, each once', () => {
    expect(parseEnv({}).ROLES).toEqual(['api', 'realtime', 'worker']);
    expect(parseEnv({ ROLES: ' worker , api,worker' }).ROLES).toEqual(['worker', 'api']);
    expect(() => parseEnv({ ROLES: 'api,cron' })).toThrow(/ROLES/);
    expect(() => parseEnv({ ROLES: ' , ' })).toThrow(/ROLES/);
  });

  it('gives development defaults with nothing set', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ NODE_ENV: 'development', PORT: 8080, HOST: '0.0.0.0', DATA_DIR: './data' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.JWT_SECRET_EPHEMERAL).toBe(true);
    expect(env.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('accepts a complete production configuration', () => {
    const env = parseEnv(production);
    expect(env.CORS_ORIGINS).toEqual(['https://linguamate.app', 'https://www.linguamate.app']);
    expect(env.JWT_SECRET_EPHEMERAL).toBe(false);
  });

  it('treats empty strings as unset and upper-case log levels as valid', () => {
    const env = parseEnv({ DATABASE_URL: '', LOG_LEVEL: 'INFO' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.LOG_LEVEL).toBe('info');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ MIGRATE_ON_START: 'perhaps' }, 'MIGRATE_ON_START'],
    [{ CORS_ORIGINS: 'https://ok.app,not a url' }, 'CORS_ORIGINS'],
  ])('names the bad variable in one line: %o', (source, variable) => {
    const message = configError(source);
    expect(message).toContain(variable);
    expect(message).not.toContain('\n');
  });

  it.each(['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'CORS_ORIGINS'])(
    'refuses production without %s',
    (key) => {
      expect(configError({ ...production, [key]: undefined })).toBe(
        `Invalid configuration: ${key} is required when NODE_ENV=production`,
      );
    },
  );

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('reads the flag value %s as %s', (value, expected) => {
    expect(parseEnv({ MIGRATE_ON_START: value }).MIGRATE_ON_START).toBe(expected);
  });

  it('refuses the development premium upgrade in production', () => {
    expect(configError({ ...production, ALLOW_DEV_PREMIUM_UPGRADE: 'yes' })).toBe(
      'Invalid configuration: ALLOW_DEV_PREMIUM_UPGRADE must be false in production',
    );
    expect(parseEnv({ ...production, ALLOW_DEV_PREMIUM_UPGRADE: 'no' }).ALLOW_DEV_PREMIUM_UPGRADE).toBe(
      false,
    );
  });

  it('reads client log retention per level over the contract defaults, and refuses anything else', () => {
    expect(parseEnv({}).CLIENT_LOG_RETENTION_DAYS).toEqual({
      trace: 1,
      debug: 7,
      info: 30,
      notice: 30,
      warn: 90,
      error: 90,
      fatal: 90,
      security: 90,
    });
    expect(
      parseEnv({ CLIENT_LOG_RETENTION_DAYS: 'debug:3, security:365' }).CLIENT_LOG_RETENTION_DAYS,
    ).toMatchObject({ debug: 3, security: 365, info: 30 });
    for (const bad of ['debug', 'verbose:3', 'debug:0', 'debug:3.5', 'debug:x', 'debug:3:4']) {
      expect(configError({ CLIENT_LOG_RETENTION_DAYS: bad })).toMatch(
        /^Invalid configuration: CLIENT_LOG_RETENTION_DAYS /,
      );
    }
  });

  it("refuses the app's placeholder log signing key in production only", () => {
    const placeholder = { LOG_INGEST_SIGNING_KEY: 'change-me-in-production' };
    expect(configError({ ...production, ...placeholder })).toContain('LOG_INGEST_SIGNING_KEY');
    expect(parseEnv(placeholder).LOG_INGEST_SIGNING_KEY).toBe('change-me-in-production');
    expect(configError({ LOG_INGEST_SIGNING_KEY: 'short' })).toContain('LOG_INGEST_SIGNING_KEY');
  });

  it('refuses a wildcard CORS origin in production', () => {
    expect(configError({ ...production, CORS_ORIGINS: '*' })).toContain('CORS_ORIGINS');
  });

  it('never echoes the offending value, which may be a secret', () => {
    const message = configError({ JWT_SECRET: 'hunter2-secret' });
    expect(message).not.toContain('hunter2');
  });
});

describe('tutor data settings', () => {
  it('allow no host by default, with the contract’s cache TTL and caps within 30 s', () => {
    expect(parseEnv({})).toMatchObject({
      TUTOR_DATA_ALLOWED_HOSTS: [],
      TUTOR_DATA_CACHE_TTL_SECONDS: 300,
      TUTOR_DATA_MAX_BYTES: 1_000_000,
      TUTOR_DATA_TIMEOUT_MS: 10_000,
    });
    expect(configError({ TUTOR_DATA_TIMEOUT_MS: '30001' })).toContain('TUTOR_DATA_TIMEOUT_MS');
  });

  it('normalise allowed hosts as URLs do', () => {
    const env = parseEnv({
      TUTOR_DATA_ALLOWED_HOSTS: ' API.Tutor.Example. , *.CDN.example.com,café.example,2130706433',
    });
    expect(env.TUTOR_DATA_ALLOWED_HOSTS).toEqual([
      'api.tutor.example',
      '*.cdn.example.com',
      'xn--caf-dma.example',
      '127.0.0.1',
    ]);
  });

  it.each([
    '*',
    '*.com',
    'https://api.tutor.example',
    'api.tutor.example/path',
    'api.tutor.example:8443',
    'a b',
    'x.*.example.com',
    '[::1]',
  ])('refuse the allowed host entry %j', (entry) => {
    expect(configError({ TUTOR_DATA_ALLOWED_HOSTS: `ok.example,${entry}` })).toContain(
      'TUTOR_DATA_ALLOWED_HOSTS',
    );
  });
});

describe('server start-up with bad configuration', () => {
  it('exits 1 with one line on stderr and no stack trace', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Invalid configuration: DATABASE_URL is required when NODE_ENV=production',
    );
    expect(result.stdout).toBe('');
  });
});

describe('.env.example', () => {
  it('documents exactly the variables the service reads', () => {
    const text = readFileSync(path.join(projectRoot, '.env.example'), 'utf8');
    const documented = [...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual([...ENV_KEYS].sort());
  });
});

describe('childProcessEnv', () => {
  it('gives a helper program PATH and what it is asked to, none of the service’s variables', () => {
    const before = { ...process.env };
    process.env.JWT_SECRET = 'child-env-secret-0123456789';
    process.env.DATABASE_URL = 'postgres://u:child-env-password@db/x';
    try {
      const env = childProcessEnv({ PGHOST: 'db' });
      expect(env.PATH).toBe(process.env.PATH);
      expect(env.PGHOST).toBe('db');
      for (const key of ENV_KEYS) expect(env).not.toHaveProperty(key);
    } finally {
      process.env = before;
    }
  });
});
