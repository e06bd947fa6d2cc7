import { canonicalJson } from '../canonical-json.js';

/** A JSON Schema (draft 2020-12) as plain data: the keywords Zod and our type walker write. */
export type JsonSchema = { [keyword: string]: unknown };

/** The same value with object keys sorted at every depth (arrays keep their order). */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => [key, sortKeys(record[key])]),
    ) as T;
  }
  return value;
}

/** Alternatives (`anyOf`) in one order whatever order the code listed them in. */
export function sortSchemas(schemas: JsonSchema[]): JsonSchema[] {
  return [...schemas].sort((a, b) => (canonicalJson(a) < canonicalJson(b) ? -1 : 1));
}

/** Indented JSON with sorted keys and a final newline: the committed snapshot's text, reviewable as a diff. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}
