import { getTableColumns, is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { AppError, type ErrorCode, type FieldIssue } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import * as schema from './schema/index.js';

/**
 * What PostgreSQL (or PGlite) reports about a failed statement, minus everything that can hold a value:
 * `detail`, `where`, the message of data errors and the query's parameters may carry an email, a token
 * hash or whatever the client sent, so they stay out of logs and answers.
 */
export interface DatabaseErrorFacts {
  sqlstate: string;
  constraint?: string;
  table?: string;
  column?: string;
  routine?: string;
}

interface DriverError extends Error {
  code: string;
  severity?: string;
  constraint?: string;
  table?: string;
  column?: string;
  detail?: string;
  routine?: string;
}

/** SQLSTATEs caused by what a client sent rather than by a fault of ours, with the answer each gets. */
const CLIENT_CAUSED: Record<string, { code: ErrorCode; issue: string; message: (field: string) => string }> =
  {
    '23514': {
      code: 'VALIDATION_ERROR',
      issue: 'OUT_OF_RANGE',
      message: (f) => `${f} is not an allowed value`,
    },
    '23505': { code: 'CONFLICT', issue: 'ALREADY_EXISTS', message: (f) => `${f} is already in use` },
    '23502': { code: 'VALIDATION_ERROR', issue: 'REQUIRED', message: (f) => `${f} is required` },
    '22001': { code: 'VALIDATION_ERROR', issue: 'TOO_LONG', message: (f) => `${f} is too long` },
    '22003': { code: 'VALIDATION_ERROR', issue: 'OUT_OF_RANGE', message: (f) => `${f} is out of range` },
    '22007': {
      code: 'VALIDATION_ERROR',
      issue: 'INVALID_FORMAT',
      message: (f) => `${f} is not a valid date`,
    },
    '22008': { code: 'VALIDATION_ERROR', issue: 'OUT_OF_RANGE', message: (f) => `${f} is not a valid date` },
    '22P02': {
      code: 'VALIDATION_ERROR',
      issue: 'INVALID_FORMAT',
      message: (f) => `${f} has the wrong format`,
    },
  };
const FOREIGN_KEY_VIOLATION = '23503';

/** `table.column` (SQL names) to the column's property name. */
const fieldOfColumn = new Map<string, string>();
/** A constraint's field as the API names it (the column's property), or null when it spans several. */
const fieldOfConstraint = buildConstraintFields();

function buildConstraintFields(): Map<string, string | null> {
  const fields = new Map<string, string | null>();
  const tables = (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));
  for (const table of tables) {
    const config = getTableConfig(table);
    const propertyOf = new Map(Object.entries(getTableColumns(table)).map(([key, c]) => [c.name, key]));
    for (const [sqlName, key] of propertyOf) fieldOfColumn.set(`${config.name}.${sqlName}`, key);
    const single = (names: string[]) => (names.length === 1 ? (propertyOf.get(names[0]!) ?? null) : null);

    // Checks are named `<table>_<column>_check` (see the schema files); one spanning columns names none.
    for (const check of config.checks) {
      const column = check.name.slice(config.name.length + 1).replace(/_check$/, '');
      fields.set(check.name, propertyOf.get(column) ?? null);
    }
    for (const index of config.indexes) {
      if (!index.config.unique || !index.config.name) continue;
      const names = index.config.columns.map((c) => ('name' in c ? String(c.name) : ''));
      fields.set(index.config.name, single(names));
    }
    for (const unique of config.uniqueConstraints) {
      const name = unique.getName();
      if (name) fields.set(name, single(unique.columns.map((c) => c.name)));
    }
    for (const key of config.foreignKeys) {
      fields.set(key.getName(), single(key.reference().columns.map((c) => c.name)));
    }
  }
  return fields;
}

/** The driver's error behind `error` (drizzle wraps it in a DrizzleQueryError), if it is one. */
export function driverErrorOf(error: unknown): DriverError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const candidate = current as Partial<DriverError>;
    // PostgreSQL's SQLSTATE is five characters; `severity` tells it apart from Node's `EPIPE` and friends.
    if (typeof candidate.code === 'string' && candidate.code.length === 5 && candidate.severity !== undefined)
      return current as DriverError;
    current = current.cause;
  }
  return undefined;
}

/** The loggable facts of a database error; undefined when `error` did not come from the database. */
export function databaseErrorFacts(error: unknown): DatabaseErrorFacts | undefined {
  const driver = driverErrorOf(error);
  if (!driver) return undefined;
  return {
    sqlstate: driver.code,
    ...(driver.constraint && { constraint: driver.constraint }),
    ...(driver.table && { table: driver.table }),
    ...(driver.column && { column: driver.column }),
    ...(driver.routine && { routine: driver.routine }),
  };
}

/**
 * Turns a database refusal that the client's input caused (a check, unique, foreign key or not-null
 * constraint, a value too long, malformed or out of range) into a 4xx AppError naming only the field.
 * Anything else is returned unchanged: it is a fault. Applied where errors leave the data layer
 * (db/guard.ts) and again by the error funnels, so a statement run outside a transaction is covered too;
 * an AppError passes through untouched.
 */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const driver = driverErrorOf(error);
  if (!driver) return error;
  const field =
    (driver.constraint && fieldOfConstraint.get(driver.constraint)) ||
    (driver.table && driver.column && fieldOfColumn.get(`${driver.table}.${driver.column}`)) ||
    null;
  return refusalOf(driver, field) ?? error;
}

/**
 * Logs the constraint behind a refusal that `translateDatabaseError` made, for whoever investigates: the
 * client only learns the field. A refusal means an input rule let through what the schema forbids, so
 * it is worth a warning. Other errors are not logged here.
 */
export function logDatabaseRefusal(log: Logger, error: unknown): void {
  if (!(error instanceof AppError)) return;
  const facts = databaseErrorFacts(error.cause);
  if (facts)
    log.warn({ db: facts, errorCode: error.code, issues: error.issues }, 'database refused a change');
}

function refusalOf(driver: DriverError, field: string | null): AppError | undefined {
  const subject = field ?? 'A value';
  const issues = (code: string, message: string): FieldIssue[] =>
    field ? [{ path: field, message, code }] : [];
  if (driver.code === FOREIGN_KEY_VIOLATION) {
    // The same SQLSTATE covers "points at a missing row" (insert, update) and "is still pointed at" (delete).
    const missing = /is not present in table/.test(driver.detail ?? '');
    const message = missing ? `${subject} refers to something that does not exist` : 'It is still in use';
    return new AppError(missing ? 'NOT_FOUND' : 'CONFLICT', message, {
      cause: driver,
      issues: issues(missing ? 'NOT_FOUND' : 'IN_USE', message),
    });
  }
  const rule = CLIENT_CAUSED[driver.code];
  if (!rule) return undefined;
  const message = rule.message(subject);
  return new AppError(rule.code, message, { cause: driver, issues: issues(rule.issue, message) });
}

/**
 * A database fault as a log line may hold it: the SQLSTATE facts, the SQL text (with `$1` placeholders,
 * never the parameters) and where it was run from. Other errors are returned unchanged.
 */
export function loggableError(error: unknown): unknown {
  const facts = databaseErrorFacts(error);
  if (!facts || !(error instanceof Error)) return error;
  const driver = driverErrorOf(error)!;
  const query = (error as { query?: unknown }).query;
  return {
    type: driver.name,
    message: facts.sqlstate.startsWith('22') ? 'data exception' : driver.message,
    ...facts,
    ...(typeof query === 'string' && { query: query.slice(0, 2_000) }),
    stack: (error.stack ?? '')
      .split('\n')
      .filter((line) => line.trimStart().startsWith('at '))
      .join('\n'),
  };
}
