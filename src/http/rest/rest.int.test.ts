import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { inProcessApi } from '../../../test/in-process.js';
import { CONTENT_VERSION } from '../../db/seed/content/index.js';
import { API_CONTENT_SECURITY_POLICY, DOCS_CONTENT_SECURITY_POLICY } from '../edge/security-headers.js';

let t: TestApp;
let api: ReturnType<typeof inProcessApi>;
let token: string;
let lessonId: string;
let document: {
  servers: { url: string }[];
  paths: Record<string, Record<string, { security?: Record<string, string[]>[]; parameters?: unknown[] }>>;
};

beforeAll(async () => {
  t = await createTestApp();
  api = inProcessApi(t);
  const created = await createUser(t);
  token = created.accessToken;
  const client = api.client(token);
  const [lesson] = await client.lessons.getAll.query({ language: 'es' });
  lessonId = lesson!.id;
  // Data behind the caller's operations, so their answers have rows (and Dates) to check.
  await client.vocabulary.add.mutate({ word: 'gato', translation: 'cat', language: 'es' });
  await client.lessons.updateProgress.mutate({
    lessonId,
    subModuleId: lesson!.subModules[0]!.id,
    completed: true,
  });
  document = (await (await api.request('/api/v1/openapi.json')).json()) as typeof document;
});
afterAll(() => t.close());

const bearer = () => ({ authorization: `Bearer ${token}` });

/**
 * Valid parameters of each documented operation. The test below walks the document, so an operation
 * added to it without a row here fails that test rather than going unchecked.
 */
const EXAMPLES: Record<string, () => { path?: Record<string, string>; query?: Record<string, string> }> = {
  'GET /lessons': () => ({ query: { language: 'es', difficulty: 'beginner' } }),
  'GET /lessons/{id}': () => ({ path: { id: lessonId } }),
  'GET /learn/content': () => ({ query: { targetName: 'Spanish', nativeName: 'English' } }),
  'GET /leaderboards': () => ({ query: { filter: 'all', sortBy: 'xp', limit: '5', offset: '0' } }),
  'GET /dialogue/topics': () => ({}),
  'GET /me': () => ({}),
  'GET /me/progress': () => ({ query: { language: 'es' } }),
  'GET /me/vocabulary': () => ({ query: { language: 'es', limit: '10' } }),
};

function urlOf(path: string, example: ReturnType<(typeof EXAMPLES)[string]>) {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(example.path?.[name] ?? ''),
  );
  const query = new URLSearchParams(example.query ?? {}).toString();
  return `${document.servers[0]!.url}${filled}${query ? `?${query}` : ''}`;
}

function operations() {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${path}`,
      path,
      method,
      operation,
    })),
  );
}

const requiresToken = (operation: { security?: Record<string, string[]>[] }) =>
  operation.security !== undefined && !operation.security.some((option) => Object.keys(option).length === 0);

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(document) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document).toMatchObject({ openapi: '3.1.0', servers: [{ url: '/api/v1' }] });
  });

  it('documents the public subset, the caller operations behind a bearer token', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual(
      operations()
        .map((operation) => operation.key)
        .sort(),
    );
    for (const { key, operation } of operations())
      expect(requiresToken(operation), key).toBe(key.startsWith('GET /me'));
  });

  it('documents dates as date-time strings and every error with the envelope', () => {
    const me = document.paths['/me']!.get as unknown as {
      responses: Record<string, { content: { 'application/json': { schema: Record<string, unknown> } } }>;
    };
    const profile = me.responses['200']!.content['application/json'].schema as {
      properties: Record<string, unknown>;
    };
    expect(profile.properties.createdAt).toEqual({ type: 'string', format: 'date-time' });
    for (const status of ['400', '401', '404', '429', '500'])
      expect(me.responses[status]!.content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/Error',
      });
  });
});

describe('every documented operation', () => {
  it('answers its example with JSON that its response schema accepts', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(document, 'openapi.json');
    const pointer = (...parts: string[]) =>
      parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
    const missing: string[] = [];
    for (const { key, path, method, operation } of operations()) {
      const example = EXAMPLES[key];
      if (!example) {
        missing.push(key);
        continue;
      }
      const url = urlOf(path, example());
      const response = await api.request(url, { method, headers: requiresToken(operation) ? bearer() : {} });
      expect(response.status, key).toBe(200);
      expect(response.headers.get('content-type'), key).toMatch(/^application\/json/);
      const body = await response.json();
      const validate = ajv.getSchema(
        `openapi.json#/${pointer('paths', path, method, 'responses', '200', 'content', 'application/json', 'schema')}`,
      );
      expect(validate, key).toBeDefined();
      expect(validate!(body) ? [] : validate!.errors, key).toEqual([]);
      if (requiresToken(operation)) {
        const anonymous = await api.request(url, { method });
        expect(anonymous.status, `${key} without a token`).toBe(401);
        expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHORIZED' });
      }
    }
    expect(missing, 'operations without an example').toEqual([]);
  });

  it('answers what the tRPC procedure answers, Dates as ISO strings', async () => {
    const rest = (await (
      await api.request('/api/v1/me/vocabulary?language=es', { headers: bearer() })
    ).json()) as {
      entries: unknown[];
    };
    const trpc = await api.client(token).vocabulary.list.query({ language: 'es' });
    expect(rest).toEqual(JSON.parse(JSON.stringify(trpc)));
    expect(rest.entries[0]).toMatchObject({
      word: 'gato',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const progress = (await (
      await api.request('/api/v1/me/progress?language=es', { headers: bearer() })
    ).json()) as {
      modules: unknown[];
    };
    expect(progress.modules).toContainEqual(
      expect.objectContaining({ moduleId: lessonId, lastPracticed: expect.stringMatching(/T.*Z$/) }),
    );
    const lesson = await (await api.request(`/api/v1/lessons/${lessonId}`)).json();
    expect(lesson).toEqual(
      superjson.parse(superjson.stringify(await api.client(null).lessons.getById.query({ id: lessonId }))),
    );
  });

  it('reads numbers from the query as the input schema asks, through the edge and the rate limit', async () => {
    const response = await api.request('/api/v1/leaderboards?limit=2');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { users: unknown[] }).users.length).toBeLessThanOrEqual(2);
    expect(response.headers.get('ratelimit-limit')).toMatch(/^\d+$/);
    expect(response.headers.get('x-correlation-id')).toBeTruthy();
    expect(response.headers.get('content-security-policy')).toBe(API_CONTENT_SECURITY_POLICY);
  });
});

describe('errors', () => {
  async function envelope(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { requestId: string; issues?: unknown[] };
    expect(body).toMatchObject({ code, message: expect.any(String) });
    expect(body.requestId).toBe(response.headers.get('x-correlation-id'));
    return body;
  }

  it.each([
    ['/api/v1/leaderboards?limit=abc', 'limit'],
    ['/api/v1/leaderboards?limit=1000', 'limit'],
    ['/api/v1/lessons?difficulty=impossible', 'difficulty'],
    ['/api/v1/learn/content?targetName=Spanish', 'nativeName'],
    ['/api/v1/leaderboards?limit=1&limit=2', 'limit'],
  ])('%s is a 400 VALIDATION_ERROR naming the field', async (url, field) => {
    const body = await envelope(await api.request(url), 400, 'VALIDATION_ERROR');
    expect(body.issues).toContainEqual(expect.objectContaining({ path: field }));
  });

  it('a caller path without a token, or with a bad one, is a 401', async () => {
    await envelope(await api.request('/api/v1/me'), 401, 'UNAUTHORIZED');
    await envelope(
      await api.request('/api/v1/me/vocabulary', { headers: { authorization: 'Bearer not-a-token' } }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('the friends leaderboard needs a token, and answers with one', async () => {
    await envelope(await api.request('/api/v1/leaderboards?filter=friends'), 401, 'UNAUTHORIZED');
    const response = await api.request('/api/v1/leaderboards?filter=friends', { headers: bearer() });
    expect(response.status).toBe(200);
  });

  it('an answer that breaks its output schema is a logged 500 INTERNAL, never a client error', async () => {
    // A filter no other test reads: a broken lesson under its key in the shared store.
    const key = `cache:lessons:${CONTENT_VERSION}:fr:rest-output-check:*`;
    await t.deps.kv.set(key, JSON.stringify([{ id: 'broken', language: 'fr' }]), 60_000);
    try {
      const response = await api.request('/api/v1/lessons?language=fr&type=rest-output-check', {
        headers: { 'x-correlation-id': 'rest-500' },
      });
      const body = await envelope(response, 500, 'INTERNAL');
      expect(body).toMatchObject({ message: 'Internal error' });
      expect(body.issues).toBeUndefined();
      const logged = t.logs.withRequestId('rest-500').find((line) => line.msg === 'procedure failed');
      expect(logged).toMatchObject({ path: 'lessons.getAll' });
    } finally {
      await t.deps.kv.delete(key);
    }
  });

  it('an unknown id or path is a 404', async () => {
    await envelope(await api.request('/api/v1/lessons/no-such-lesson'), 404, 'NOT_FOUND');
    await envelope(await api.request('/api/v1/no-such-thing'), 404, 'NOT_FOUND');
    await envelope(await api.request('/api/v1/lessons', { method: 'DELETE' }), 404, 'NOT_FOUND');
  });
});

describe('/api/docs', () => {
  it('serves the page under the strict policy, with its script and styles from this origin', async () => {
    const page = await api.request('/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const policy = page.headers.get('content-security-policy');
    expect(policy).toBe(DOCS_CONTENT_SECURITY_POLICY);
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "font-src 'self' data:",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ])
      expect(policy!.split('; ')).toContain(directive);
    const html = await page.text();
    expect(html).not.toMatch(/<script>|<style|style=/);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toHaveLength(3);
    for (const asset of assets) {
      expect(asset, 'served from this origin').toMatch(/^\/api\/docs\//);
      const response = await api.request(asset);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get('content-type'), asset).toMatch(
        asset.endsWith('.css') ? /^text\/css/ : /^text\/javascript/,
      );
      expect((await response.text()).length, asset).toBeGreaterThan(0);
      expect(response.headers.get('content-security-policy')).toBe(DOCS_CONTENT_SECURITY_POLICY);
    }
    const init = await (await api.request('/api/docs/init.js')).text();
    expect(init).toContain("'/api/v1/openapi.json'");
  });

  it('leaves the API its own policy', async () => {
    const response = await api.request('/api/v1/openapi.json');
    expect(response.headers.get('content-security-policy')).toBe(API_CONTENT_SECURITY_POLICY);
  });
});
