import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Migrations that landed before the expand/contract rule (docs/migrations.md). They are applied on every
 * existing database and drizzle records each file's sha256, so they are never edited, not even to add a
 * contract marker: the checker skips them by tag instead. Never add a new tag here.
 */
export const GRANDFATHERED_MIGRATIONS: readonly string[] = [
  '0000_initial',
  '0001_audit_append_only',
  '0002_input_rules_pending_email_pair_lockout',
  '0003_leaderboards_follows_daily_challenges',
  '0004_exercise_items',
  '0005_dialogue_turn_rules_session_completed',
  '0006_srs_vocabulary_fsrs',
  '0007_analytics_events_partition_ready',
  '0008_learn_content_preference_rules',
  '0009_client_logs',
  '0010_chat',
  '0011_user_events',
  '0012_jobs',
];

/** A migration that is allowed to break the previous release declares it on its first line. */
const CONTRACT_MARKER = /^\s*--\s*contract:\s*(\S.*)$/i;
const STATEMENT_BREAKPOINT = '--> statement-breakpoint';

export type DestructiveKind =
  | 'drop-table'
  | 'drop-column'
  | 'rename-table'
  | 'rename-column'
  | 'alter-column-type'
  | 'set-not-null'
  | 'add-column-not-null';

export interface MigrationFinding {
  /** 1-based index of the statement among the file's `--> statement-breakpoint` parts. */
  statement: number;
  kind: DestructiveKind;
  sql: string;
}

export interface MigrationVerdict {
  findings: MigrationFinding[];
  /** The reason after `-- contract:`, when the file declares itself a contract step. */
  contract: string | null;
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[\w$]+)`;
const QUALIFIED = String.raw`${IDENT}(?:\s*\.\s*${IDENT})?`;
const ALTER_TABLE = String.raw`\balter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?(${QUALIFIED})`;

const RULES: { kind: DestructiveKind; pattern: RegExp }[] = [
  { kind: 'drop-table', pattern: /\bdrop\s+table\b/i },
  {
    kind: 'drop-column',
    pattern: new RegExp(
      `${ALTER_TABLE}[\\s\\S]*\\bdrop\\s+(?!constraint\\b|default\\b|not\\s+null\\b|expression\\b|identity\\b)(?:column\\s+)?(?:if\\s+exists\\s+)?${IDENT}`,
      'i',
    ),
  },
  {
    kind: 'rename-column',
    pattern: new RegExp(
      `${ALTER_TABLE}[\\s\\S]*\\brename\\s+(?!to\\b|constraint\\b)(?:column\\s+)?${IDENT}\\s+to\\b`,
      'i',
    ),
  },
  { kind: 'rename-table', pattern: new RegExp(`${ALTER_TABLE}\\s+rename\\s+to\\b`, 'i') },
  {
    kind: 'alter-column-type',
    pattern: new RegExp(
      `${ALTER_TABLE}[\\s\\S]*\\balter\\s+(?:column\\s+)?${IDENT}\\s+(?:set\\s+data\\s+)?type\\b`,
      'i',
    ),
  },
];

/** `ADD COLUMN ... NOT NULL` with no default: the running release's inserts would fail. */
const ADD_COLUMN = new RegExp(
  `\\badd\\s+(?!constraint\\b)(?:column\\s+)?(?:if\\s+not\\s+exists\\s+)?${IDENT}([^,]*)`,
  'gi',
);
const FILLED = /\b(?:default|generated)\b/i;

const SET_NOT_NULL = new RegExp(
  `${ALTER_TABLE}[\\s\\S]*?\\balter\\s+(?:column\\s+)?(${IDENT})\\s+set\\s+not\\s+null\\b`,
  'i',
);

/** Splits a drizzle migration into its statements, comments stripped and blanks dropped. */
export function splitStatements(source: string): string[] {
  return source
    .split(STATEMENT_BREAKPOINT)
    .map((part) =>
      part
        .split('\n')
        .map((line) => line.replace(/--.*$/, ''))
        .join('\n')
        .trim(),
    )
    .filter((part) => part.length > 0);
}

/**
 * Finds the statements of one migration file that would break the release still running during a rolling
 * deploy: dropping or renaming a table or column, changing a column's type, and `SET NOT NULL` on a column
 * the same file does not backfill first (an `UPDATE <table> SET <column> = ...` before it). The file may
 * still contain them when its first line reads `-- contract: <reason>`.
 */
export function checkMigrationSql(source: string): MigrationVerdict {
  const firstLine = source.split('\n', 1)[0] ?? '';
  const contract = CONTRACT_MARKER.exec(firstLine)?.[1]?.trim() ?? null;
  const findings: MigrationFinding[] = [];
  const statements = splitStatements(source);
  statements.forEach((statement, index) => {
    const flat = statement.replace(/\s+/g, ' ');
    for (const rule of RULES) {
      if (rule.pattern.test(flat)) findings.push({ statement: index + 1, kind: rule.kind, sql: flat });
    }
    if (/^alter\s+table\b/i.test(flat)) {
      for (const added of flat.matchAll(ADD_COLUMN)) {
        const definition = added[1] ?? '';
        if (/\bnot\s+null\b/i.test(definition) && !FILLED.test(definition)) {
          findings.push({ statement: index + 1, kind: 'add-column-not-null', sql: flat });
        }
      }
    }
    const notNull = SET_NOT_NULL.exec(flat);
    if (notNull?.[1] && notNull[2]) {
      const backfilled = statements
        .slice(0, index)
        .some((earlier) => isBackfillOf(earlier, unquote(notNull[1] ?? ''), unquote(notNull[2] ?? '')));
      if (!backfilled) findings.push({ statement: index + 1, kind: 'set-not-null', sql: flat });
    }
  });
  return { findings, contract };
}

function unquote(identifier: string): string {
  const last = identifier.split('.').pop()?.trim() ?? identifier;
  return last.startsWith('"') ? last.slice(1, -1).replace(/""/g, '"') : last.toLowerCase();
}

function isBackfillOf(statement: string, table: string, column: string): boolean {
  const update = new RegExp(`^update\\s+(?:only\\s+)?(${QUALIFIED})\\s+set\\s+([\\s\\S]*)$`, 'i').exec(
    statement.replace(/\s+/g, ' '),
  );
  if (!update?.[1] || !update[2] || unquote(update[1]) !== table) return false;
  const assigned = new RegExp(`(?:^|,)\\s*(${IDENT})\\s*=`, 'g');
  for (const match of update[2].matchAll(assigned)) {
    if (match[1] && unquote(match[1]) === column) return true;
  }
  return false;
}

export interface FolderReport {
  checked: string[];
  skipped: string[];
  /** Files with destructive statements and no contract marker. */
  violations: { file: string; findings: MigrationFinding[] }[];
  contracts: { file: string; reason: string }[];
}

/** Checks every `*.sql` in a drizzle folder, skipping the grandfathered tags. */
export function checkMigrationsFolder(
  folder: string,
  grandfathered: readonly string[] = GRANDFATHERED_MIGRATIONS,
): FolderReport {
  const report: FolderReport = { checked: [], skipped: [], violations: [], contracts: [] };
  const files = readdirSync(folder)
    .filter((name) => name.endsWith('.sql'))
    .sort();
  for (const file of files) {
    if (grandfathered.includes(file.replace(/\.sql$/, ''))) {
      report.skipped.push(file);
      continue;
    }
    report.checked.push(file);
    const verdict = checkMigrationSql(readFileSync(path.join(folder, file), 'utf8'));
    if (verdict.findings.length === 0) continue;
    if (verdict.contract) report.contracts.push({ file, reason: verdict.contract });
    else report.violations.push({ file, findings: verdict.findings });
  }
  return report;
}
