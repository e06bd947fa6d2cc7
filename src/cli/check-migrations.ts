import { MIGRATIONS_FOLDER } from '../db/migrate.js';
import { checkMigrationsFolder } from '../db/migration-safety.js';

/**
 * `npm run check:migrations`: refuses migrations in drizzle/ that would break the release still running
 * during a rolling deploy, unless they declare themselves a contract step (docs/migrations.md).
 */
const report = checkMigrationsFolder(MIGRATIONS_FOLDER);
const out: string[] = [];
const err: string[] = [];
for (const { file, reason } of report.contracts) out.push(`contract step ${file}: ${reason}`);
for (const { file, findings } of report.violations) {
  for (const finding of findings)
    err.push(`${file} statement ${finding.statement}: ${finding.kind}: ${finding.sql}`);
}
out.push(
  `check:migrations: ${report.checked.length} checked, ${report.skipped.length} grandfathered, ` +
    `${report.contracts.length} contract step(s), ${report.violations.length} refused`,
);
if (report.violations.length > 0) {
  err.push(
    'destructive statements need an expand/contract plan or a contract marker: see docs/migrations.md',
  );
  process.exitCode = 1;
}
process.stdout.write(`${out.join('\n')}\n`);
if (err.length > 0) process.stderr.write(`${err.join('\n')}\n`);
