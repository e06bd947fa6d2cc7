import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_KEYS, ROLES, SECRET_ENV_KEYS } from '../../src/config/env.js';
import { projectRoot } from '../../src/lib/project-root.js';
import {
  composeProblems,
  dockerfileProblems,
  dockerignoreProblems,
  haproxyProblems,
  isIgnored,
  readProject,
} from './image-checks.js';

/**
 * The container image, compose file and load balancer, checked statically: this machine has no Docker
 * engine, so nothing is built or run. Each check also gets a broken copy of the real file, to show it can
 * fail.
 */

const project = readProject(projectRoot, { roles: ROLES, envKeys: ENV_KEYS, secretEnvKeys: SECRET_ENV_KEYS });
const read = (file: string) => readFileSync(path.join(projectRoot, file), 'utf8');
const dockerfile = read('Dockerfile');
const compose = read('compose.yaml');
const haproxy = read('deploy/compose/haproxy.cfg');
const dockerignore = read('.dockerignore');

/** The real text with `from` replaced by `to`, failing loudly if `from` is not there. */
function broken(text: string, from: string | RegExp, to: string): string {
  const result = text.replace(from, to);
  if (result === text) throw new Error(`mutation not applied: ${from}`);
  return result;
}

describe('Dockerfile', () => {
  it('passes every check', () => {
    expect(dockerfileProblems(dockerfile, project)).toEqual([]);
  });

  it('finds what the running code reads from disk beside itself', () => {
    expect(project.runtimeFiles).toEqual(
      expect.arrayContaining(['package.json', 'drizzle', 'src/modules/auth/wordlists/common-passwords.txt']),
    );
  });

  it.each([
    [
      'single stage',
      (t: string) => t.replace(/FROM[\s\S]*?(?=FROM \$\{NODE_IMAGE\} AS runtime)/, ''),
      'not multi-stage',
    ],
    [
      'another Node',
      (t: string) => broken(t, 'node:24-bookworm-slim', 'node:22-bookworm-slim'),
      'not on node 24',
    ],
    ['root', (t: string) => broken(t, 'USER node', 'USER root'), 'runs as root'],
    ['no USER', (t: string) => broken(t, 'USER node', ''), 'runs as root'],
    ['no STOPSIGNAL', (t: string) => broken(t, 'STOPSIGNAL SIGTERM', ''), 'STOPSIGNAL'],
    ['no HEALTHCHECK', (t: string) => broken(t, /HEALTHCHECK[^\n]*\\\n[^\n]*\n/, ''), 'no HEALTHCHECK'],
    [
      'HEALTHCHECK NONE',
      (t: string) => broken(t, /HEALTHCHECK[^\n]*\\\n[^\n]*\n/, 'HEALTHCHECK NONE\n'),
      'no HEALTHCHECK',
    ],
    [
      'curl healthcheck',
      (t: string) => broken(t, '["node", "dist/src/cli/healthcheck.js"]', 'curl -f localhost'),
      'HEALTHCHECK runs curl',
    ],
    ['not production', (t: string) => broken(t, 'NODE_ENV=production', 'NODE_ENV=development'), 'NODE_ENV'],
    ['an unknown role', (t: string) => broken(t, 'ROLES=api,realtime,worker', 'ROLES=api,web'), 'names web'],
    [
      'npm start rebuilds',
      (t: string) => broken(t, /^CMD .*$/m, 'CMD ["npm", "start"]'),
      'prestart would run first',
    ],
    [
      'unknown script',
      (t: string) => broken(t, /^CMD .*$/m, 'CMD ["npm", "run", "serve-it"]'),
      'does not define',
    ],
    ['unbuilt file', (t: string) => broken(t, 'dist/src/main.js', 'dist/src/server.js'), 'does not produce'],
    ['shell form CMD', (t: string) => broken(t, /^CMD .*$/m, 'CMD node dist/src/main.js'), 'shell form'],
    [
      'dev deps copied',
      (t: string) => broken(t, '--from=prod-deps /app/node_modules', '--from=build /app/node_modules'),
      'installs dev dependencies',
    ],
    [
      'dev deps installed',
      (t: string) => broken(t, 'npm ci --omit=dev', 'npm ci'),
      'installs dev dependencies',
    ],
    ['no migrations', (t: string) => broken(t, /^COPY .*drizzle.*\n/m, ''), 'does not ship drizzle'],
    ['no wordlist', (t: string) => broken(t, /^COPY .*common-passwords.*\n/m, ''), 'common-passwords.txt'],
    ['no dist', (t: string) => broken(t, /^COPY .*\/app\/dist.*\n/m, ''), 'does not ship dist'],
  ])('fails on %s', (_, mutate, problem) => {
    expect(dockerfileProblems(mutate(dockerfile), project)).toContainEqual(expect.stringContaining(problem));
  });
});

describe('compose.yaml', () => {
  it('passes every check', () => {
    expect(composeProblems(compose, project)).toEqual([]);
  });

  it.each([
    ['a role missing', (t: string) => broken(t, 'ROLES: worker', 'ROLES: api'), 'no service plays worker'],
    ['an unknown role', (t: string) => broken(t, 'ROLES: worker', 'ROLES: worker,cron'), 'plays cron'],
    [
      'a variable nobody reads',
      (t: string) => broken(t, 'ROLES: api', 'ROLES: api\n      API_PORT: "8080"'),
      'API_PORT',
    ],
    [
      'a committed secret',
      (t: string) => broken(t, /JWT_SECRET: .*/, 'JWT_SECRET: 0123456789abcdef0123456789abcdef'),
      'commits a value for JWT_SECRET',
    ],
    [
      'a committed password',
      (t: string) => broken(t, /linguamate:\$\{POSTGRES_PASSWORD[^}]*\}/, 'linguamate:hunter2'),
      'DATABASE_URL',
    ],
    [
      'not production',
      (t: string) => broken(t, 'NODE_ENV: production', 'NODE_ENV: development'),
      'NODE_ENV=production',
    ],
    ['no CORS_ORIGINS', (t: string) => broken(t, /\n {2}CORS_ORIGINS: .*/, ''), 'lacks CORS_ORIGINS'],
    [
      'migrations not awaited',
      (t: string) => broken(t, 'condition: service_completed_successfully', 'condition: service_started'),
      'does not wait for migrate',
    ],
    [
      'no migrate service',
      (t: string) => broken(t, 'dist/src/cli/migrate.js', 'dist/src/main.js'),
      'no one-shot migrate',
    ],
    [
      'a migrate file not built',
      (t: string) => broken(t, 'dist/src/cli/migrate.js', 'dist/src/cli/migrate-all.js'),
      'does not produce',
    ],
    [
      'redis without AOF',
      (t: string) => broken(t, '"--appendonly", "yes"', '"--appendonly", "no"'),
      'appendonly',
    ],
    ['another postgres', (t: string) => broken(t, 'postgres:16', 'postgres:15'), 'postgres:16'],
  ])('fails on %s', (_, mutate, problem) => {
    expect(composeProblems(mutate(compose), project)).toContainEqual(expect.stringContaining(problem));
  });
});

describe('deploy/compose/haproxy.cfg', () => {
  it('passes every check, and compose mounts it', () => {
    expect(haproxyProblems(haproxy, compose, project)).toEqual([]);
    expect(compose).toContain('./deploy/compose/haproxy.cfg:');
  });

  it.each([
    [
      'a backend naming no service',
      (t: string) => broken(t, 'api 1-5 api:8080', 'api 1-5 web:8080'),
      'web, not a compose service',
    ],
    ['a wrong port', (t: string) => broken(t, 'realtime:8080', 'realtime:3000'), 'not the port'],
    [
      'no readiness check',
      (t: string) =>
        broken(t, /option httpchk GET \/api\/health\/ready/, 'option httpchk GET /api/health/live'),
      'does not check /api/health/ready',
    ],
    [
      'upgrades to api',
      (t: string) => broken(t, 'use_backend realtime', 'use_backend api'),
      'WebSocket upgrades',
    ],
    [
      'upgrades on any path',
      (t: string) => broken(t, 'if websocket trpc', 'if websocket'),
      'WebSocket upgrades',
    ],
    [
      'HTTP to realtime',
      (t: string) => broken(t, 'default_backend api', 'default_backend realtime'),
      'api role',
    ],
  ])('fails on %s', (_, mutate, problem) => {
    expect(haproxyProblems(mutate(haproxy), compose, project)).toContainEqual(
      expect.stringContaining(problem),
    );
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, history, secrets and local data out, and what the Dockerfile copies in', () => {
    expect(dockerignoreProblems(dockerignore, dockerfile)).toEqual([]);
  });

  it('fails when node_modules or .git get in, or a copied file is left out', () => {
    expect(dockerignoreProblems(broken(dockerignore, /^node_modules$/m, ''), dockerfile)).toContainEqual(
      expect.stringContaining('node_modules'),
    );
    expect(dockerignoreProblems(broken(dockerignore, /^\.git$/m, ''), dockerfile)).toContainEqual(
      expect.stringContaining('.git'),
    );
    expect(dockerignoreProblems(`${dockerignore}\ndrizzle\n`, dockerfile)).toContainEqual(
      expect.stringContaining('leaves out drizzle'),
    );
  });

  it('matches as Docker does: folders, globs, ** and ! (the last matching rule wins)', () => {
    expect(isIgnored('node_modules', 'node_modules/pg/index.js')).toBe(true);
    expect(isIgnored('**/*.test.ts', 'src/a/b.test.ts')).toBe(true);
    expect(isIgnored('*.md\n!README.md', 'README.md')).toBe(false);
    expect(isIgnored('/dist/', 'dist')).toBe(true);
    expect(isIgnored('dist', 'src/dist')).toBe(false);
  });
});
