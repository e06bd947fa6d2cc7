import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ProcedureMeta, publicProcedure, router } from '../../trpc/init.js';
import { appRouter } from '../../trpc/router.js';
import { restOperationsOf } from './operations.js';

const openapi = (path: `/${string}`): ProcedureMeta => ({
  openapi: { method: 'GET', path, tags: ['t'], summary: 's', auth: 'none' },
});
const item = z.object({ id: z.string() });

describe('restOperationsOf', () => {
  it('lists an aliased procedure once, by its first name, with its unwrapped input', () => {
    const read = publicProcedure
      .meta(openapi('/items/{id}'))
      .input(item.extend({ limit: z.number().default(1) }).prefault({ id: 'x' }))
      .output(item)
      .query(({ input }) => ({ id: input.id }));
    const operations = restOperationsOf(router({ get: read, alias: read }));
    expect(operations).toHaveLength(1);
    expect(operations[0]).toMatchObject({ procedure: 'get', path: '/items/{id}', pathParams: ['id'] });
    expect(operations[0]!.input).toBeInstanceOf(z.ZodObject);
  });

  it.each([
    [
      'a mutation',
      {
        m: publicProcedure
          .meta(openapi('/a'))
          .output(item)
          .mutation(() => ({ id: 'a' })),
      },
      /only queries/,
    ],
    ['no .output()', { q: publicProcedure.meta(openapi('/a')).query(() => ({ id: 'a' })) }, /\.output\(\)/],
    [
      'a path parameter the input lacks',
      {
        q: publicProcedure
          .meta(openapi('/a/{id}'))
          .input(z.object({ other: z.string() }))
          .output(item)
          .query(() => ({ id: 'a' })),
      },
      /no "id"/,
    ],
    [
      'an input that is not an object',
      {
        q: publicProcedure
          .meta(openapi('/a'))
          .input(z.string())
          .output(item)
          .query(() => ({ id: 'a' })),
      },
      /must be an object/,
    ],
    [
      'a route taken twice',
      {
        a: publicProcedure
          .meta(openapi('/a/{x}'))
          .input(z.object({ x: z.string() }))
          .output(item)
          .query(() => ({ id: 'a' })),
        b: publicProcedure
          .meta(openapi('/a/{y}'))
          .input(z.object({ y: z.string() }))
          .output(item)
          .query(() => ({ id: 'b' })),
      },
      /another procedure/,
    ],
  ])('refuses %s at start-up', (_, procedures, message) => {
    expect(() => restOperationsOf(router(procedures))).toThrow(message);
  });

  it("serves the app router's operations", () => {
    expect(restOperationsOf(appRouter).map((operation) => operation.procedure)).toContain('user.get');
  });
});
