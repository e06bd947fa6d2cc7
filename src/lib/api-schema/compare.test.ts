import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../project-root.js';
import { compareSnapshots } from './compare.js';
import type { JsonSchema } from './json-schema.js';
import { formatComparison } from './report.js';
import type { ApiSnapshot, ProcedureSchema } from './snapshot.js';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(path.join(projectRoot, 'test/fixtures/api-versioning', `${name}.json`), 'utf8'),
  ) as ApiSnapshot;

const procedure = (overrides: Partial<ProcedureSchema> = {}): ProcedureSchema => ({
  type: 'query',
  input: null,
  inputOptional: true,
  output: {},
  outputSource: 'typescript',
  ...overrides,
});

const snapshot = (procedures: Record<string, ProcedureSchema>, version = 1): ApiSnapshot => ({
  version,
  procedures,
});

const object = (properties: Record<string, JsonSchema>, required: string[] = [], extra: JsonSchema = {}) => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
  ...extra,
});

/** The breaking changes found between two versions of one procedure's input. */
function inputChanges(before: JsonSchema, after: JsonSchema): string[] {
  const old = snapshot({ p: procedure({ input: before, inputOptional: false }) });
  const current = snapshot({ p: procedure({ input: after, inputOptional: false }) });
  return compareSnapshots(old, current).breaking.map((change) => `${change.location}: ${change.message}`);
}

function outputChanges(before: JsonSchema, after: JsonSchema): string[] {
  const old = snapshot({ p: procedure({ output: before }) });
  const current = snapshot({ p: procedure({ output: after }) });
  return compareSnapshots(old, current).breaking.map((change) => `${change.location}: ${change.message}`);
}

const str = { type: 'string' };
const num = { type: 'number' };

describe('compareSnapshots on the fixtures', () => {
  it('reports each deliberate break of broken.json', () => {
    const { breaking, versionBumped } = compareSnapshots(fixture('baseline'), fixture('broken'));
    expect(versionBumped).toBe(false);
    expect(breaking.map((change) => [change.procedure, change.location, change.message])).toEqual(
      expect.arrayContaining([
        ['user.getProfile', '', 'procedure removed (was a query)'],
        ['lessons.getAll', 'output.lessons[].title', 'property removed'],
        ['lessons.getAll', 'input.level', 'value(s) ["advanced"] no longer accepted'],
        ['auth.login', 'input.rememberMe', 'optional property made required'],
        ['auth.login', 'input.email', 'maxLength changed from 254 to 100'],
      ]),
    );
    expect(breaking).toHaveLength(5);
    const report = formatComparison(
      'baseline -> broken',
      compareSnapshots(fixture('baseline'), fixture('broken')),
    );
    expect(report.ok).toBe(false);
    expect(report.lines).toContain('  auth.login input.email: maxLength changed from 254 to 100');
  });

  it('passes the compatible changes of additive.json and lists the new procedure', () => {
    const comparison = compareSnapshots(fixture('baseline'), fixture('additive'));
    expect(comparison.breaking).toEqual([]);
    expect(comparison.added).toEqual(['user.get']);
    expect(formatComparison('x', comparison).ok).toBe(true);
  });

  it('accepts breaking changes under a higher major version, and still lists them', () => {
    const broken = { ...fixture('broken'), version: 2 };
    const comparison = compareSnapshots(fixture('baseline'), broken);
    expect(comparison.versionBumped).toBe(true);
    const report = formatComparison('v1 -> v2', comparison);
    expect(report.ok).toBe(true);
    expect(report.lines[0]).toBe('v1 -> v2: 5 breaking change(s), allowed by the major version bump:');
  });

  it('a snapshot compared with itself is compatible', () => {
    expect(compareSnapshots(fixture('baseline'), fixture('baseline')).breaking).toEqual([]);
  });
});

describe('procedures', () => {
  it('a changed procedure type is breaking', () => {
    const { breaking } = compareSnapshots(
      snapshot({ p: procedure({ type: 'query' }) }),
      snapshot({ p: procedure({ type: 'mutation' }) }),
    );
    expect(breaking.map((change) => change.message)).toEqual(['type changed from query to mutation']);
  });

  it('a required input on a procedure that had none is breaking; an optional one is not', () => {
    const input = object({ a: str });
    const before = snapshot({ p: procedure() });
    const required = compareSnapshots(before, snapshot({ p: procedure({ input, inputOptional: false }) }));
    expect(required.breaking.map((change) => change.message)).toEqual([
      'input is now required (calls without input are refused)',
    ]);
    expect(compareSnapshots(before, snapshot({ p: procedure({ input }) })).breaking).toEqual([]);
  });

  it('dropping the input declaration is compatible (the procedure then reads nothing)', () => {
    const before = snapshot({ p: procedure({ input: object({ a: str }, ['a']), inputOptional: false }) });
    expect(compareSnapshots(before, snapshot({ p: procedure() })).breaking).toEqual([]);
  });
});

describe('inputs (what clients send): may only accept more', () => {
  it.each<[string, JsonSchema, JsonSchema, string]>([
    [
      'new required property',
      object({ a: str }),
      object({ a: str, b: str }, ['b']),
      'input.b: new required property',
    ],
    [
      'optional made required',
      object({ a: str }),
      object({ a: str }, ['a']),
      'input.a: optional property made required',
    ],
    [
      'enum value removed',
      { type: 'string', enum: ['a', 'b'] },
      { type: 'string', enum: ['a'] },
      'input: value(s) ["b"] no longer accepted',
    ],
    [
      'restricted to an enum',
      str,
      { type: 'string', enum: ['a'] },
      'input: now restricted to ["a"] (was type string)',
    ],
    ['type changed', str, num, 'input: type changed from string to number'],
    ['number narrowed to integer', num, { type: 'integer' }, 'input: type changed from number to integer'],
    [
      'union member removed',
      { anyOf: [str, num] },
      str,
      'input: type number no longer accepted ({"type":"number"} → {"type":"string"})',
    ],
    [
      'null no longer accepted',
      { anyOf: [str, { type: 'null' }] },
      str,
      'input: type null no longer accepted ({"type":"null"} → {"type":"string"})',
    ],
    [
      'minLength raised',
      { type: 'string', minLength: 1 },
      { type: 'string', minLength: 2 },
      'input: minLength changed from 1 to 2',
    ],
    ['maxLength added', str, { type: 'string', maxLength: 10 }, 'input: maxLength changed from none to 10'],
    [
      'maxItems lowered',
      { type: 'array', maxItems: 10 },
      { type: 'array', maxItems: 5 },
      'input: maxItems changed from 10 to 5',
    ],
    [
      'minItems raised',
      { type: 'array', minItems: 0 },
      { type: 'array', minItems: 1 },
      'input: minItems changed from 0 to 1',
    ],
    [
      'maximum lowered',
      { type: 'integer', maximum: 100 },
      { type: 'integer', maximum: 50 },
      'input: upper bound changed from 100 to 50',
    ],
    [
      'minimum made exclusive',
      { type: 'number', minimum: 0 },
      { type: 'number', exclusiveMinimum: 0 },
      'input: lower bound changed from 0 to exclusive 0',
    ],
    [
      'pattern changed',
      { type: 'string', pattern: '^a' },
      { type: 'string', pattern: '^ab' },
      'input: pattern changed from "^a" to "^ab"',
    ],
    ['format added', str, { type: 'string', format: 'email' }, 'input: format changed from none to "email"'],
    [
      'array items narrowed',
      { type: 'array', items: { anyOf: [str, num] } },
      { type: 'array', items: str },
      'input[]: type number no longer accepted ({"type":"number"} → {"type":"string"})',
    ],
    [
      'property removed from a closed object',
      object({ a: str, b: str }, [], { additionalProperties: false }),
      object({ a: str }, [], { additionalProperties: false }),
      'input.b: property removed from a closed object',
    ],
    [
      'object made strict',
      object({ a: str }),
      object({ a: str }, [], { additionalProperties: false }),
      'input: object no longer accepts other properties',
    ],
    [
      'nested property tightened',
      object({ o: object({ n: { type: 'integer', maximum: 5 } }) }),
      object({ o: object({ n: { type: 'integer', maximum: 4 } }) }),
      'input.o.n: upper bound changed from 5 to 4',
    ],
  ])('%s is breaking', (_name, before, after, expected) => {
    expect(inputChanges(before, after)).toEqual([expected]);
  });

  it.each<[string, JsonSchema, JsonSchema]>([
    ['new optional property', object({ a: str }, ['a']), object({ a: str, b: str }, ['a'])],
    ['required made optional', object({ a: str }, ['a']), object({ a: str })],
    ['enum value added', { type: 'string', enum: ['a'] }, { type: 'string', enum: ['a', 'b'] }],
    ['enum opened to any string', { type: 'string', enum: ['a'] }, str],
    ['null accepted too', str, { anyOf: [str, { type: 'null' }] }],
    ['integer widened to number', { type: 'integer' }, num],
    [
      'bounds relaxed',
      { type: 'string', minLength: 2, maxLength: 5 },
      { type: 'string', minLength: 1, maxLength: 9 },
    ],
    ['numeric bounds removed', { type: 'number', minimum: 1, maximum: 3 }, num],
    ['pattern removed', { type: 'string', pattern: '^a' }, str],
    ['property removed from an open object', object({ a: str, b: str }), object({ a: str })],
    ['object made open', object({ a: str }, [], { additionalProperties: false }), object({ a: str })],
    ['a defaulted field documented', object({ a: str }), object({ a: { type: 'string', default: 'x' } })],
  ])('%s is compatible', (_name, before, after) => {
    expect(inputChanges(before, after)).toEqual([]);
  });
});

describe('outputs (what clients read): may only promise more', () => {
  it.each<[string, JsonSchema, JsonSchema, string]>([
    [
      'property removed',
      object({ a: str, b: str }, ['a', 'b']),
      object({ a: str }, ['a']),
      'output.b: property removed',
    ],
    [
      'optional property removed',
      object({ a: str, b: str }),
      object({ a: str }),
      'output.b: property removed',
    ],
    [
      'required made optional',
      object({ a: str }, ['a']),
      object({ a: str }),
      'output.a: property made optional (may now be missing)',
    ],
    [
      'nullable added',
      str,
      { anyOf: [str, { type: 'null' }] },
      'output: type null not allowed before ({"type":"string"} → {"type":"null"})',
    ],
    [
      'enum value added',
      { type: 'string', enum: ['a'] },
      { type: 'string', enum: ['a', 'b'] },
      'output: value(s) ["b"] added (clients that handle every value break)',
    ],
    ['enum opened', { type: 'string', enum: ['a'] }, str, 'output: was restricted to ["a"], now type string'],
    ['type changed', num, str, 'output: type changed from number to string'],
    ['integer widened to number', { type: 'integer' }, num, 'output: type changed from integer to number'],
    [
      'maxLength raised',
      { type: 'string', maxLength: 5 },
      { type: 'string', maxLength: 6 },
      'output: maxLength changed from 5 to 6',
    ],
    [
      'nested array item changed',
      object({ l: { type: 'array', items: object({ d: { type: 'string', format: 'date-time' } }, ['d']) } }, [
        'l',
      ]),
      object({ l: { type: 'array', items: object({ d: num }, ['d']) } }, ['l']),
      'output.l[].d: type changed from string to number',
    ],
    [
      'record values changed',
      { type: 'object', additionalProperties: num },
      { type: 'object', additionalProperties: str },
      'output[*]: type changed from number to string',
    ],
  ])('%s is breaking', (_name, before, after, expected) => {
    expect(outputChanges(before, after)).toEqual([expected]);
  });

  it.each<[string, JsonSchema, JsonSchema]>([
    ['new property', object({ a: str }, ['a']), object({ a: str, b: num }, ['a'])],
    ['optional made required', object({ a: str }), object({ a: str }, ['a'])],
    ['null no longer sent', { anyOf: [str, { type: 'null' }] }, str],
    ['nullable written as a type list', { anyOf: [str, { type: 'null' }] }, { type: ['string', 'null'] }],
    ['nullable written as anyOf', { type: ['string', 'null'] }, { anyOf: [str, { type: 'null' }] }],
    ['enum value no longer sent', { type: 'string', enum: ['a', 'b'] }, { type: 'string', enum: ['a'] }],
    ['number narrowed to integer', num, { type: 'integer' }],
    [
      'a new property of a closed (Zod .output()) object',
      object({ a: str }, ['a'], { additionalProperties: false }),
      object({ a: str, b: str }, ['a', 'b'], { additionalProperties: false }),
    ],
  ])('%s is compatible', (_name, before, after) => {
    expect(outputChanges(before, after)).toEqual([]);
  });

  it('follows $ref, recursive ones included, without looping', () => {
    const tree = (leaf: JsonSchema): JsonSchema => ({
      $ref: '#/$defs/Node',
      $defs: {
        Node: object({ value: leaf, children: { type: 'array', items: { $ref: '#/$defs/Node' } } }, [
          'value',
        ]),
      },
    });
    expect(outputChanges(tree(str), tree(str))).toEqual([]);
    expect(outputChanges(tree(str), tree(num))).toEqual([
      'output.value: type changed from string to number',
      'output.children[].value: type changed from string to number',
    ]);
  });
});
