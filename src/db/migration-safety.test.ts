import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from './migrate.js';
import {
  checkMigrationSql,
  checkMigrationsFolder,
  type DestructiveKind,
  GRANDFATHERED_MIGRATIONS,
  splitStatements,
} from './migration-safety.js';

const BREAK = '--> statement-breakpoint\n';

describe('checkMigrationSql', () => {
  const cases: { name: string; sql: string; kinds: DestructiveKind[] }[] = [
    { name: 'new table', sql: 'CREATE TABLE "t" ("id" uuid PRIMARY KEY NOT NULL);', kinds: [] },
    { name: 'nullable column', sql: 'ALTER TABLE "users" ADD COLUMN "bio" text;', kinds: [] },
    {
      name: 'not-null column with a default',
      sql: `ALTER TABLE "users" ADD COLUMN "xp" integer DEFAULT 0 NOT NULL;`,
      kinds: [],
    },
    {
      name: 'not-null column without a default',
      sql: 'ALTER TABLE "users" ADD COLUMN "xp" integer NOT NULL;',
      kinds: ['add-column-not-null'],
    },
    { name: 'index', sql: 'CREATE INDEX "t_a_idx" ON "t" USING btree ("a");', kinds: [] },
    { name: 'drop constraint', sql: 'ALTER TABLE "t" DROP CONSTRAINT "t_a_check";', kinds: [] },
    { name: 'drop default', sql: 'ALTER TABLE "t" ALTER COLUMN "a" DROP DEFAULT;', kinds: [] },
    { name: 'drop not null', sql: 'ALTER TABLE "t" ALTER COLUMN "a" DROP NOT NULL;', kinds: [] },
    { name: 'drop index', sql: 'DROP INDEX "t_a_idx";', kinds: [] },
    { name: 'rename constraint', sql: 'ALTER TABLE "t" RENAME CONSTRAINT "a" TO "b";', kinds: [] },
    { name: 'drop table', sql: 'DROP TABLE "daily_challenges" CASCADE;', kinds: ['drop-table'] },
    { name: 'drop table if exists', sql: 'drop table if exists t;', kinds: ['drop-table'] },
    { name: 'drop column', sql: 'ALTER TABLE "users" DROP COLUMN "lockouts";', kinds: ['drop-column'] },
    { name: 'drop column, short form', sql: 'alter table users drop lockouts;', kinds: ['drop-column'] },
    {
      name: 'rename column',
      sql: 'ALTER TABLE "users" RENAME COLUMN "name" TO "display_name";',
      kinds: ['rename-column'],
    },
    {
      name: 'rename column, short form',
      sql: 'alter table users rename name to nick;',
      kinds: ['rename-column'],
    },
    { name: 'rename table', sql: 'ALTER TABLE "users" RENAME TO "accounts";', kinds: ['rename-table'] },
    {
      name: 'set data type',
      sql: 'ALTER TABLE "srs_cards" ALTER COLUMN "stability" SET DATA TYPE double precision;',
      kinds: ['alter-column-type'],
    },
    { name: 'type, short form', sql: 'alter table t alter a type bigint;', kinds: ['alter-column-type'] },
    { name: 'enum change', sql: `ALTER TYPE "public"."mood" ADD VALUE 'calm';`, kinds: [] },
    {
      name: 'set not null without a backfill',
      sql: 'ALTER TABLE "users" ALTER COLUMN "locale" SET NOT NULL;',
      kinds: ['set-not-null'],
    },
    {
      name: 'set not null after a backfill of that column',
      sql: `UPDATE "users" SET "locale" = 'en' WHERE "locale" IS NULL;${BREAK}ALTER TABLE "users" ALTER COLUMN "locale" SET NOT NULL;`,
      kinds: [],
    },
    {
      name: 'set not null after a backfill of another column',
      sql: `UPDATE "users" SET "name" = '' WHERE "name" IS NULL;${BREAK}ALTER TABLE "users" ALTER COLUMN "locale" SET NOT NULL;`,
      kinds: ['set-not-null'],
    },
    {
      name: 'set not null after a backfill of another table',
      sql: `UPDATE "profiles" SET "locale" = 'en';${BREAK}ALTER TABLE "users" ALTER COLUMN "locale" SET NOT NULL;`,
      kinds: ['set-not-null'],
    },
    {
      name: 'set not null before the backfill',
      sql: `ALTER TABLE "users" ALTER COLUMN "locale" SET NOT NULL;${BREAK}UPDATE "users" SET "locale" = 'en';`,
      kinds: ['set-not-null'],
    },
    { name: 'a comment is not a statement', sql: '-- DROP TABLE "users";\nSELECT 1;', kinds: [] },
  ];

  it.each(cases)('$name', ({ sql, kinds }) => {
    expect(checkMigrationSql(sql).findings.map((finding) => finding.kind)).toEqual(kinds);
  });

  it('numbers the offending statement and reads the contract marker of the first line', () => {
    const verdict = checkMigrationSql(
      `-- contract: nothing reads users.lockouts since 1.4\nALTER TABLE "users" ADD COLUMN "a" text;${BREAK}ALTER TABLE "users" DROP COLUMN "lockouts";`,
    );
    expect(verdict.contract).toBe('nothing reads users.lockouts since 1.4');
    expect(verdict.findings).toEqual([
      { statement: 2, kind: 'drop-column', sql: 'ALTER TABLE "users" DROP COLUMN "lockouts";' },
    ]);
  });

  it('takes the marker only from the first line and only with a reason', () => {
    expect(checkMigrationSql('SELECT 1;\n-- contract: late').contract).toBeNull();
    expect(checkMigrationSql('-- contract:\nSELECT 1;').contract).toBeNull();
  });

  it('splits on drizzle statement breakpoints', () => {
    expect(splitStatements(`SELECT 1;${BREAK}\n${BREAK}SELECT 2;`)).toEqual(['SELECT 1;', 'SELECT 2;']);
  });
});

describe('checkMigrationsFolder', () => {
  it('refuses a destructive migration without a marker and accepts it with one', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'migrations-'));
    try {
      writeFileSync(path.join(folder, '0000_old.sql'), 'DROP TABLE "a";');
      writeFileSync(path.join(folder, '0001_expand.sql'), 'ALTER TABLE "b" ADD COLUMN "c" text;');
      writeFileSync(path.join(folder, '0002_drop.sql'), 'ALTER TABLE "b" DROP COLUMN "d";');
      writeFileSync(
        path.join(folder, '0003_contract.sql'),
        '-- contract: 1.5 stopped reading e\nDROP TABLE "e";',
      );
      const report = checkMigrationsFolder(folder, ['0000_old']);
      expect(report.skipped).toEqual(['0000_old.sql']);
      expect(report.checked).toEqual(['0001_expand.sql', '0002_drop.sql', '0003_contract.sql']);
      expect(report.violations.map((violation) => violation.file)).toEqual(['0002_drop.sql']);
      expect(report.contracts).toEqual([{ file: '0003_contract.sql', reason: '1.5 stopped reading e' }]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("passes the repository's migrations", () => {
    const report = checkMigrationsFolder(MIGRATIONS_FOLDER);
    expect(report.violations).toEqual([]);
  });

  it('would have caught the destructive grandfathered migrations', () => {
    const source = readFileSync(
      path.join(MIGRATIONS_FOLDER, '0002_input_rules_pending_email_pair_lockout.sql'),
      'utf8',
    );
    expect(checkMigrationSql(source).findings.map((finding) => finding.kind)).toContain('drop-column');
    expect(checkMigrationsFolder(MIGRATIONS_FOLDER, []).violations.length).toBeGreaterThan(0);
  });

  it('grandfathers only migrations that exist (the list never grows)', () => {
    const journal = JSON.parse(
      readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'),
    ) as {
      entries: { tag: string }[];
    };
    const tags = journal.entries.map((entry) => entry.tag);
    expect(tags.slice(0, GRANDFATHERED_MIGRATIONS.length)).toEqual([...GRANDFATHERED_MIGRATIONS]);
  });
});
