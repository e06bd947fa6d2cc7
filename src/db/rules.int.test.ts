import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { revenuecatWebhookBody } from '../modules/users/schema.js';
import { appRouter } from '../trpc/router.js';
import { queryRows } from './client.js';
import { columnInputs } from './rules.js';

/**
 * Every bound an input puts on a value equals the constraint of the column it writes, and the reverse:
 * read from the migrated database itself (its CHECK constraints and varchar lengths), compared with the
 * Zod inputs of every procedure and of the webhook that declare the columns they write (db/rules.ts). A
 * value Zod lets through is then one PostgreSQL stores, so no input can reach the client as a 500.
 */

/** The bounds one column's constraints or one input's checks put on a value. */
interface Bounds {
  minLength?: number;
  maxLength?: number;
  min?: number;
  max?: number;
  maxItems?: number;
  pattern?: string;
  values?: string[];
}

let t: TestApp;
let database: Map<string, Bounds>;

beforeAll(async () => {
  t = await createTestApp();
  database = await databaseBounds();
});
afterAll(() => t.close());

/** `table.column` → bounds, from pg_constraint (conjunctions of simple comparisons) and varchar lengths. */
async function databaseBounds(): Promise<Map<string, Bounds>> {
  const bounds = new Map<string, Bounds>();
  const of = (table: string, column: string) => {
    const key = `${table}.${column}`;
    if (!bounds.has(key)) bounds.set(key, {});
    return bounds.get(key)!;
  };
  const checks = await queryRows<{ table_name: string; definition: string }>(
    t.deps.db,
    sql`select conrelid::regclass::text as table_name, pg_get_constraintdef(oid) as definition
        from pg_constraint where contype = 'c' and connamespace = 'public'::regnamespace`,
  );
  for (const { table_name: table, definition } of checks) {
    // A disjunction is a rule between columns (e.g. an amount whose sign depends on its source), not a bound.
    if (/\bOR\b/.test(definition)) continue;
    for (const [, column, bound] of definition.matchAll(/char_length\((\w+)\) >= (\d+)/g))
      of(table, column!).minLength = Number(bound);
    for (const [, column, bound] of definition.matchAll(/char_length\((\w+)\) <= (\d+)/g))
      of(table, column!).maxLength = Number(bound);
    for (const [, column, bound] of definition.matchAll(/cardinality\((\w+)\) <= (\d+)/g))
      of(table, column!).maxItems = Number(bound);
    for (const [, column, bound] of definition.matchAll(/\((\w+) >= (-?\d+)\)/g))
      of(table, column!).min = Number(bound);
    for (const [, column, bound] of definition.matchAll(/\((\w+) <= (-?\d+)\)/g))
      of(table, column!).max = Number(bound);
    for (const [, column, pattern] of definition.matchAll(/\((\w+) ~ '((?:[^']|'')*)'::text\)/g))
      of(table, column!).pattern = pattern!.replaceAll("''", "'");
    for (const [, column, list] of definition.matchAll(/\((\w+) = ANY \(ARRAY\[(.*?)\]\)\)/g))
      of(table, column!).values = [...list!.matchAll(/'((?:[^']|'')*)'::text/g)].map((m) => m[1]!).sort();
  }
  const varchars = await queryRows<{ table_name: string; column_name: string; length: number }>(
    t.deps.db,
    sql`select table_name, column_name, character_maximum_length as length from information_schema.columns
        where table_schema = 'public' and character_maximum_length is not null`,
  );
  for (const row of varchars) {
    const column = of(row.table_name, row.column_name);
    column.maxLength = Math.min(column.maxLength ?? Number.POSITIVE_INFINITY, row.length);
  }
  return bounds;
}

type Check = { check: string; minimum?: number; maximum?: number; value?: number; pattern?: RegExp };
const checksOf = (schema: z.core.$ZodType) =>
  ((schema._zod.def as { checks?: { _zod: { def: Check } }[] }).checks ?? []).map((check) => check._zod.def);

/** The bounds an input puts on its value (through the pipe's input side, where the bounds are). */
function inputBounds(schema: z.core.$ZodType): Bounds {
  const def = schema._zod.def as { type: string; in?: z.core.$ZodType; element?: unknown; entries?: object };
  if (def.type === 'pipe') return inputBounds(def.in!);
  if (def.type === 'enum') return { values: Object.values(def.entries!).map(String).sort() };
  const bounds: Bounds = {};
  for (const check of checksOf(schema)) {
    if (check.check === 'min_length') bounds.minLength = check.minimum;
    if (check.check === 'max_length') bounds[def.type === 'array' ? 'maxItems' : 'maxLength'] = check.maximum;
    if (check.check === 'greater_than') bounds.min = check.value;
    if (check.check === 'less_than') bounds.max = check.value;
    if (check.check === 'string_format' && check.pattern) bounds.pattern = check.pattern.source;
  }
  return bounds;
}

/** Every registered input inside `schema`, with the columns it writes. */
function registeredInputs(schema: z.core.$ZodType, found = new Map<z.core.$ZodType, string[]>()) {
  const meta = columnInputs.get(schema);
  if (meta) found.set(schema, meta.columns);
  const def = schema._zod.def as unknown as Record<string, unknown>;
  const children = [
    ...Object.values((def.shape as Record<string, z.core.$ZodType> | undefined) ?? {}),
    ...['innerType', 'in', 'out', 'element', 'left', 'right', 'valueType'].map((key) => def[key]),
    ...((def.options as unknown[] | undefined) ?? []),
  ];
  for (const child of children) if (child instanceof z.core.$ZodType) registeredInputs(child, found);
  return found;
}

function allRegisteredInputs(): { schema: z.core.$ZodType; columns: string[]; where: string }[] {
  const sources: [string, unknown][] = [
    ...Object.entries(
      appRouter._def.procedures as unknown as Record<string, { _def: { inputs: unknown[] } }>,
    ).flatMap(([path, procedure]) => procedure._def.inputs.map((input): [string, unknown] => [path, input])),
    ['POST /api/webhooks/revenuecat', revenuecatWebhookBody],
  ];
  return sources.flatMap(([where, input]) =>
    input instanceof z.core.$ZodType
      ? [...registeredInputs(input)].map(([schema, columns]) => ({ schema, columns, where }))
      : [],
  );
}

describe('input rules and column constraints', () => {
  it('finds the inputs that write columns, and each column they name exists with a constraint', () => {
    const inputs = allRegisteredInputs();
    const columns = new Set(inputs.flatMap((input) => input.columns));
    expect(columns.size).toBeGreaterThanOrEqual(20);
    for (const column of columns) expect(database.get(column), `${column} has no constraint`).toBeDefined();
  });

  it('bounds every input exactly as the database bounds the column it writes', () => {
    const mismatches = allRegisteredInputs().flatMap(({ schema, columns, where }) => {
      const bounds = inputBounds(schema);
      return columns.flatMap((column) => {
        const stored = database.get(column) ?? {};
        const keys = new Set([...Object.keys(bounds), ...Object.keys(stored)] as (keyof Bounds)[]);
        return (
          [...keys]
            .filter((key) => JSON.stringify(bounds[key] ?? null) !== JSON.stringify(stored[key] ?? null))
            // A minimum length of 0 is no minimum at all.
            .filter((key) => !(key === 'minLength' && (bounds[key] ?? 0) === (stored[key] ?? 0)))
            .map((key) => `${where} → ${column}: ${key} input ${bounds[key]} ≠ database ${stored[key]}`)
        );
      });
    });
    expect([...new Set(mismatches)]).toEqual([]);
  });

  it('would see a mismatch: the comparison reads real bounds from both sides', () => {
    expect(database.get('users.display_name')).toEqual({ minLength: 2, maxLength: 40 });
    expect(database.get('users.daily_goal_minutes')).toEqual({ min: 5, max: 120 });
    expect(database.get('users.proficiency_level')?.values).toEqual(['advanced', 'beginner', 'intermediate']);
    const signup = allRegisteredInputs().filter((input) => input.where === 'auth.signup');
    const name = signup.find((input) => input.columns.includes('users.name'))!;
    expect(inputBounds(name.schema)).toEqual({ minLength: 2, maxLength: 50 });
  });
});
