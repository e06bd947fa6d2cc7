import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ENVIRONMENTS, ROLES, resolveEnvironment, SECRET_ENV_KEYS } from '../lib/config';

const appEnv = readFileSync(new URL('../../src/config/env.ts', `file://${__filename}`), 'utf8');

/** The string literals of `export const <name> = [...]` in src/config/env.ts. */
function appList(name: string): string[] {
  const body = new RegExp(`export const ${name} = \\[([^\\]]*)\\]`).exec(appEnv)?.[1];
  assert.ok(body, `${name} not found in src/config/env.ts`);
  return [...body.matchAll(/'([^']+)'/g)].map((match) => match[1]!);
}

describe('configuration', () => {
  it("matches the app's SECRET_ENV_KEYS and ROLES", () => {
    assert.deepEqual([...SECRET_ENV_KEYS], appList('SECRET_ENV_KEYS'));
    assert.deepEqual([...ROLES], appList('ROLES'));
  });

  it('refuses an unknown environment instead of deploying staging settings', () => {
    assert.throws(() => resolveEnvironment('prod'), /staging, production/);
    assert.equal(resolveEnvironment('production'), ENVIRONMENTS.production);
  });

  it('gives production more than staging', () => {
    const { staging, production } = ENVIRONMENTS;
    assert.ok(production.db.backupRetention.toDays() > staging.db.backupRetention.toDays());
    assert.ok(production.redis.snapshotRetentionDays > staging.redis.snapshotRetentionDays);
    assert.ok(production.db.deletionProtection && production.db.multiAz);
  });
});
