import { getTableName, type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, check } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { text } from '../lib/text-input.js';

/**
 * What a client may write into a column, stated once. The column's CHECK constraint (`ruleCheck`) and the
 * Zod input that writes it (`boundedText`…) are both built from the same rule, so input validation and
 * the database can never disagree: a value Zod lets through is a value PostgreSQL stores, and the
 * constraint is the last line, not the first (db/rules.int.test.ts compares the two on the real schema).
 */
export type ColumnRule =
  | { kind: 'text'; min: number; max: number }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'list'; maxItems: number; itemMax: number }
  | { kind: 'pattern'; pattern: RegExp; max: number; message: string };

export const textRule = (min: number, max: number) => ({ kind: 'text', min, max }) as const;
export const intRule = (min: number, max: number) => ({ kind: 'int', min, max }) as const;
export const listRule = (maxItems: number, itemMax: number) => ({ kind: 'list', maxItems, itemMax }) as const;
export const patternRule = (pattern: RegExp, max: number, message: string) =>
  ({ kind: 'pattern', pattern, max, message }) as const;

const literal = (value: number) => sql.raw(String(value));

/** The SQL condition of a rule on `column` (NULL passes, as in every CHECK). */
export function ruleCondition(column: AnyPgColumn, rule: ColumnRule): SQL {
  switch (rule.kind) {
    case 'text':
      return rule.min > 0
        ? sql`char_length(${column}) between ${literal(rule.min)} and ${literal(rule.max)}`
        : sql`char_length(${column}) <= ${literal(rule.max)}`;
    case 'int':
      return sql`${column} between ${literal(rule.min)} and ${literal(rule.max)}`;
    case 'list':
      return sql`cardinality(${column}) <= ${literal(rule.maxItems)}`;
    case 'pattern':
      // DDL takes no parameters; the pattern is our own constant, quoted as a SQL literal.
      return sql`char_length(${column}) <= ${literal(rule.max)} and ${column} ~ ${sql.raw(`'${rule.pattern.source.replaceAll("'", "''")}'`)}`;
  }
}

/** The CHECK constraint of a rule, named `<table>_<column>_check`, the name db/errors.ts reads a field from. */
export const ruleCheck = (table: string, column: AnyPgColumn, rule: ColumnRule) =>
  check(`${table}_${column.name}_check`, ruleCondition(column, rule));

/** The CHECK constraints of a table's rules, one per column (`ruleCheck`); `except` ones built otherwise. */
export function ruleChecks<K extends string>(
  table: string,
  columns: Record<K, AnyPgColumn>,
  rules: Record<K, ColumnRule>,
  except: readonly K[] = [],
) {
  return (Object.entries(rules) as [K, ColumnRule][])
    .filter(([key]) => !except.includes(key))
    .map(([key, rule]) => ruleCheck(table, columns[key], rule));
}

/** Which columns (`table.column`, SQL names) each registered input writes; the rules test reads it. */
export const columnInputs = z.registry<{ columns: string[] }>();

/** Registers `schema` as the input of `columns`, so the rules test holds it to their constraints. */
export function writes<T extends z.ZodType>(schema: T, ...columns: AnyPgColumn[]): T {
  columnInputs.add(schema, {
    columns: columns.map((column) => `${getTableName(column.table)}.${column.name}`),
  });
  return schema;
}

/** Text for a `text` rule: trimmed, then bounded; NUL characters and lone surrogates refused. */
export function boundedText(rule: Extract<ColumnRule, { kind: 'text' }>, ...columns: AnyPgColumn[]) {
  const trimmed = text().trim().max(rule.max);
  return writes(rule.min > 0 ? trimmed.min(rule.min) : trimmed, ...columns);
}

/** An integer for an `int` rule. */
export function boundedInt(rule: Extract<ColumnRule, { kind: 'int' }>, ...columns: AnyPgColumn[]) {
  return writes(z.number().int().min(rule.min).max(rule.max), ...columns);
}

/** A list of short, non-empty, trimmed strings for a `list` rule. */
export function boundedList(rule: Extract<ColumnRule, { kind: 'list' }>, ...columns: AnyPgColumn[]) {
  return writes(z.array(text().trim().min(1).max(rule.itemMax)).max(rule.maxItems), ...columns);
}

/** Trimmed text matching a `pattern` rule. */
export function patternText(rule: Extract<ColumnRule, { kind: 'pattern' }>, ...columns: AnyPgColumn[]) {
  return writes(z.string().trim().max(rule.max).regex(rule.pattern, rule.message), ...columns);
}

/** One of a closed list of values (the column's `oneOf` check is built from the same list). */
export function oneOfValues<const T extends readonly [string, ...string[]]>(
  values: T,
  ...columns: AnyPgColumn[]
) {
  return writes(z.enum(values), ...columns);
}
