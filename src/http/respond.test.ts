import { describe, expect, it } from 'vitest';
import { type RequestContext, requestContext } from '../lib/request-context.js';
import { errorResponse } from './errors.js';
import { respond, respondEmpty, respondJson } from './respond.js';

const context = (): RequestContext => ({
  requestId: 'req-1',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  responseHeaders: { 'x-correlation-id': 'req-1', 'content-type': 'text/plain' },
  pastDeadline: false,
});

describe('answers built inside a request', () => {
  it('carry the request headers and are remembered as the prepared answer', async () => {
    const store = context();
    const response = requestContext.run(store, () => respondJson({ ok: true }, 201));
    expect(response.status).toBe(201);
    expect(response.headers.get('x-correlation-id')).toBe('req-1');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ ok: true });
    expect(store.prepared).toBe(response);
  });

  it('put extra headers on a copy, leaving the request headers as they were', () => {
    const store = context();
    const response = requestContext.run(store, () =>
      respond('hi', 200, 'text/plain', { 'cache-control': 'no-store' }),
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-correlation-id')).toBe('req-1');
    expect(store.responseHeaders).not.toHaveProperty('cache-control');
  });

  it('without a body drop the content type', () => {
    const store = context();
    const response = requestContext.run(store, () => respondEmpty(204));
    expect(response.status).toBe(204);
    expect(response.headers.get('content-type')).toBeNull();
    expect(response.headers.get('x-correlation-id')).toBe('req-1');
    expect(store.prepared).toBe(response);
  });
});

describe('answers built outside any request', () => {
  it('carry only their own headers', async () => {
    const json = respondJson([1, 2]);
    expect([...json.headers]).toEqual([['content-type', 'application/json']]);
    const extra = respond('x', 200, 'text/plain', { 'cache-control': 'no-store' });
    expect(Object.fromEntries(extra.headers)).toEqual({
      'cache-control': 'no-store',
      'content-type': 'text/plain',
    });
    expect([...respondEmpty(304).headers]).toEqual([]);
  });

  it('give an error envelope the request id "unknown"', async () => {
    const response = errorResponse('NOT_FOUND', 'Nothing here');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      code: 'NOT_FOUND',
      message: 'Nothing here',
      requestId: 'unknown',
      traceId: 'unknown',
    });
  });
});
