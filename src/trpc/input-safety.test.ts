import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appRouter } from './router.js';

/**
 * Every procedure's input is parsed by Zod, and every part of it is bounded: strings by `maxLength` (or a
 * grammar that bounds them), arrays by `maxItems`, maps (`z.record`, `z.looseObject`, `.catchall`) by
 * `maxProperties` with bounded keys and values, and nothing accepts "any value". Unbounded inputs are how
 * one request ends up holding megabytes in memory, in a log line or in a database row.
 */

type JsonSchema = { [keyword: string]: unknown };

/** String formats whose grammar bounds their length. */
const BOUNDED_FORMATS = new Set(['uuid', 'guid', 'date-time', 'date', 'time']);

/** Marks a real `z.date()` (superjson's Date), which JSON Schema cannot represent, apart from `{}` (any). */
const DATE_MARK = 'x-zod-date';

/** The input side of a schema as JSON Schema. A coerced date (which accepts any value) stays `{}`. */
function inputJsonSchema(schema: z.core.$ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const def = zodSchema._zod.def as { type: string; coerce?: boolean };
      if (def.type === 'date' && !def.coerce) jsonSchema[DATE_MARK] = true;
    },
  }) as JsonSchema;
}

const isObject = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Where each part of a schema is unbounded, as `path: problem` lines. */
function unboundedParts(schema: z.core.$ZodType): string[] {
  const root = inputJsonSchema(schema);
  const problems: string[] = [];
  const visited = new Set<JsonSchema>();

  const resolve = (ref: string): JsonSchema | undefined => {
    if (ref === '#') return root;
    const match = /^#\/\$defs\/(.+)$/.exec(ref);
    const defs = root.$defs as Record<string, JsonSchema> | undefined;
    return match ? defs?.[match[1]!] : undefined;
  };

  const walk = (node: unknown, path: string): void => {
    if (node === true) {
      problems.push(`${path}: accepts any value`);
      return;
    }
    if (!isObject(node)) return;
    if (typeof node.$ref === 'string') {
      const target = resolve(node.$ref);
      if (!target) {
        problems.push(`${path}: unresolvable $ref ${node.$ref}`);
        return;
      }
      // A recursive schema is checked once: its bounds do not change with depth.
      if (visited.has(target)) return;
      visited.add(target);
      walk(target, path);
      return;
    }
    const branches = ['anyOf', 'oneOf', 'allOf'].flatMap((keyword) =>
      Array.isArray(node[keyword]) ? (node[keyword] as unknown[]) : [],
    );
    for (const branch of branches) walk(branch, path);
    if ('const' in node || Array.isArray(node.enum)) return;

    const types = Array.isArray(node.type) ? (node.type as string[]) : node.type ? [node.type as string] : [];
    if (types.length === 0) {
      if (branches.length === 0 && !node[DATE_MARK]) problems.push(`${path}: accepts any value`);
      return;
    }
    if (types.includes('string')) checkString(node, path);
    if (types.includes('array')) checkArray(node, path);
    if (types.includes('object')) checkObject(node, path);
  };

  const checkString = (node: JsonSchema, path: string) => {
    const format = typeof node.format === 'string' ? node.format : undefined;
    if (typeof node.maxLength !== 'number' && !(format && BOUNDED_FORMATS.has(format))) {
      problems.push(`${path}: string without maxLength`);
    }
  };

  const checkArray = (node: JsonSchema, path: string) => {
    if (typeof node.maxItems !== 'number') problems.push(`${path}: array without maxItems`);
    const tuple = Array.isArray(node.prefixItems) ? (node.prefixItems as unknown[]) : [];
    for (const [index, item] of tuple.entries()) walk(item, `${path}[${index}]`);
    if (node.items !== undefined && node.items !== false) walk(node.items, `${path}[]`);
  };

  const checkObject = (node: JsonSchema, path: string) => {
    const properties = isObject(node.properties) ? node.properties : {};
    for (const [key, value] of Object.entries(properties)) walk(value, path ? `${path}.${key}` : key);
    const maps = [
      ...(node.additionalProperties !== undefined && node.additionalProperties !== false
        ? [node.additionalProperties]
        : []),
      ...(isObject(node.patternProperties) ? Object.values(node.patternProperties) : []),
    ];
    if (maps.length === 0) return;
    // Extra keys are kept: a map (or a loose object). Bound how many, how long each key, and each value.
    const where = path || '(input)';
    if (typeof node.maxProperties !== 'number') problems.push(`${where}: map without maxProperties`);
    if (node.propertyNames === undefined) problems.push(`${where}: map keys without maxLength`);
    else walk(node.propertyNames, `${path}{key}`);
    for (const value of maps) walk(value, `${path}{value}`);
  };

  walk(root, '');
  return problems;
}

type Procedure = { _def: { inputs: unknown[]; type: string } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, Procedure>);
const isZodSchema = (value: unknown): value is z.core.$ZodType => value instanceof z.core.$ZodType;

describe('procedure inputs', () => {
  it('are enumerated from the router', () => {
    expect(procedures.length).toBeGreaterThan(20);
    expect(procedures.filter(([, procedure]) => procedure._def.inputs.length > 0).length).toBeGreaterThan(10);
  });

  it('are all parsed by Zod', () => {
    const withoutZod = procedures
      .filter(([, procedure]) => procedure._def.inputs.some((input) => !isZodSchema(input)))
      .map(([path]) => path);
    expect(
      withoutZod,
      `procedures whose input is not parsed by a Zod schema: ${withoutZod.join(', ')}`,
    ).toEqual([]);
  });

  it('bound every string, array and map', () => {
    const violations = procedures.flatMap(([path, procedure]) =>
      procedure._def.inputs
        .filter(isZodSchema)
        .flatMap((input) => unboundedParts(input).map((problem) => `${path} ${problem}`)),
    );
    expect(violations, `unbounded inputs:\n${violations.join('\n')}`).toEqual([]);
  });
});

describe('unboundedParts', () => {
  it('finds every kind of unbounded input', () => {
    const loose = z.object({
      note: z.string(),
      code: z.string().regex(/^\d{6}$/),
      email: z.email(),
      tags: z.array(z.string().max(10)),
      items: z.array(z.string()).max(5),
      props: z.record(z.string(), z.unknown()),
      counts: z.record(z.string().max(40), z.number()),
      anything: z.unknown(),
      since: z.coerce.date(),
      extra: z.looseObject({ id: z.string().max(5) }),
      maybe: z.string().nullable().optional(),
      either: z.union([z.string().max(3), z.string()]),
    });
    expect(unboundedParts(loose)).toEqual([
      'note: string without maxLength',
      'code: string without maxLength',
      'email: string without maxLength',
      'tags: array without maxItems',
      'items[]: string without maxLength',
      'props: map without maxProperties',
      'props{key}: string without maxLength',
      'props{value}: accepts any value',
      'counts: map without maxProperties',
      'anything: accepts any value',
      'since: accepts any value',
      'extra: map without maxProperties',
      'extra: map keys without maxLength',
      'extra{value}: accepts any value',
      'maybe: string without maxLength',
      'either: string without maxLength',
    ]);
    expect(
      unboundedParts(z.object({ deep: z.object({ list: z.array(z.object({ x: z.any() })).max(2) }) })),
    ).toEqual(['deep.list[].x: accepts any value']);
  });

  it('accepts bounded inputs, including recursive ones', () => {
    const node: z.ZodType = z.lazy(() =>
      z.object({ name: z.string().max(10), children: z.array(node).max(5) }),
    );
    const bounded = z.object({
      id: z.uuid(),
      when: z.date(),
      at: z.iso.datetime(),
      kind: z.enum(['a', 'b']),
      literal: z.literal('DELETE'),
      count: z.number().int(),
      flag: z.boolean(),
      email: z.string().max(254).pipe(z.email()),
      list: z.array(z.string().max(3)).max(2),
      pair: z.tuple([z.string().max(1), z.number()]),
      labels: z
        .record(z.string().max(40), z.string().max(100))
        .refine((value) => Object.keys(value).length <= 20)
        .meta({ maxProperties: 20 }),
      maybe: z.string().max(5).nullable(),
      tree: node,
    });
    expect(unboundedParts(bounded)).toEqual([]);
  });
});
