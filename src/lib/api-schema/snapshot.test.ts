import { describe, expect, it } from 'vitest';
import { fixtureRouter } from '../../../test/fixtures/api-versioning/router.js';
import { projectRoot } from '../project-root.js';
import { buildSnapshot } from './snapshot.js';

describe('buildSnapshot', () => {
  // Builds a TypeScript program for the fixture router's output types: a few seconds.
  it('describes inputs from Zod and outputs from .output() or the TypeScript type', {
    timeout: 120_000,
  }, () => {
    const snapshot = buildSnapshot(
      fixtureRouter._def.procedures as Record<string, unknown>,
      { root: projectRoot, module: 'test/fixtures/api-versioning/router.ts', typeName: 'FixtureRouter' },
      3,
    );
    expect(snapshot.version).toBe(3);
    expect(Object.keys(snapshot.procedures)).toEqual(['declared', 'events', 'shapes']);
    const { shapes, declared, events } = snapshot.procedures;
    expect(shapes).toMatchObject({ type: 'query', inputOptional: true, outputSource: 'typescript' });
    expect(shapes?.input).toEqual({
      type: 'object',
      properties: {
        at: { type: 'string', format: 'date-time' },
        n: { type: 'integer', maximum: 5, minimum: expect.any(Number) },
      },
      required: ['at', 'n'],
    });
    expect(shapes?.output).toEqual({
      type: 'object',
      properties: {
        date: { type: 'string', format: 'date-time' },
        optional: { type: 'string' },
        maybe: { anyOf: [{ type: 'null' }, { type: 'number' }] },
        level: { type: 'string', enum: ['advanced', 'beginner'] },
        pair: {
          type: 'array',
          prefixItems: [{ type: 'string' }, { type: 'number' }],
          minItems: 2,
          maxItems: 2,
        },
        record: { type: 'object', properties: {}, additionalProperties: { type: 'boolean' } },
        tree: {
          type: 'object',
          properties: {
            value: { type: 'string' },
            children: {
              type: 'array',
              items: { $comment: 'recursive: TreeNode' },
            },
          },
          required: ['children', 'value'],
        },
        flag: { type: 'boolean' },
        one: { type: 'number', const: 1 },
      },
      required: ['date', 'flag', 'level', 'maybe', 'one', 'pair', 'record', 'tree'],
    });
    expect(declared).toMatchObject({ type: 'mutation', inputOptional: false, outputSource: 'zod' });
    expect(declared?.input).toMatchObject({ additionalProperties: false, required: ['id'] });
    expect(declared?.output).toMatchObject({
      properties: { id: { type: 'string' }, at: { type: 'string', format: 'date-time' } },
    });
    expect(events).toMatchObject({ type: 'subscription', input: null, inputOptional: true });
    expect(events?.output).toEqual({
      type: 'object',
      properties: { n: { type: 'number' } },
      required: ['n'],
    });
  });
});
