import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { trpcCall } from '../../test/trpc-call.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('tRPC wire format (httpBatchLink + superjson, as the app uses it)', () => {
  it('batches two queries into one GET request and answers both', async () => {
    const requests: string[] = [];
    const client = await t.trpc({ onRequest: (url) => requests.push(url) });
    const [all, one] = await Promise.all([
      client.lessons.getAll.query({ language: 'es' }),
      client.lessons.getById.query({ id: 'alphabet-basics' }),
    ]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toContain('/api/trpc/lessons.getAll,lessons.getById?batch=1');
    expect(all.every((lesson) => lesson.language === 'es')).toBe(true);
    expect(one.title).toBe('Alphabet Basics');
  });

  it('sends mutations as POST and round-trips a Date through superjson', async () => {
    const client = await t.trpc();
    const result = await client.example.hi.mutate({ name: 'Ana' });
    expect(result.hello).toBe('Hello Ana');
    expect(result.date).toBeInstanceOf(Date);
  });

  it('answers a mixed batch with 207 and a result or error per call', async () => {
    const answer = await trpcCall(t, [
      ['lessons.getById', { id: 'basic-greetings' }],
      ['lessons.getById', { id: 'nope' }],
    ]);
    expect(answer.status).toBe(207);
    expect(answer.items[0]).toHaveProperty('result.data.json.id', 'basic-greetings');
    expect(answer.items[1]?.error?.json.data.httpStatus).toBe(404);
  });

  it('surfaces typed errors to the client with the app error code', async () => {
    const client = await t.trpc();
    const error = await client.lessons.getById.query({ id: 'missing' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({
      code: 'NOT_FOUND',
      errorCode: 'NOT_FOUND',
    });
  });
});
