import { trpcServer } from '@hono/trpc-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createUser, type TestUser } from '../../test/factories.js';
import { createTestApp, type TestApp, unique, usingPostgres } from '../../test/harness.js';
import { proxiedPostgres } from '../../test/proxied-postgres.js';
import type { Deps } from '../deps.js';
import { notFound } from '../http/errors.js';
import { createRequireFlag } from '../http/middleware/require-flag.js';
import { createCallerResolver } from '../modules/auth/caller.js';
import * as flagsAdmin from '../modules/feature-flags/service.js';
import { createContextFactory } from './context.js';
import { gatedBy, publicProcedure, router } from './init.js';

/**
 * The gates in use: a tRPC router and a plain route built from `gatedBy` and `requireFlag`, served the
 * way the app serves its own (same procedures, context, error formatting and 404 handler).
 */
function gatedServer(deps: Deps, flagKey: string) {
  const beta = gatedBy(flagKey);
  const testRouter = router({
    open: publicProcedure.query(() => 'open'),
    hello: beta.publicProcedure.query(() => 'hello'),
    whoami: beta.authedProcedure
      .input(z.object({ n: z.number() }))
      .query(({ ctx, input }) => ({ n: input.n, userId: ctx.caller.userId })),
  });
  const resolveCaller = createCallerResolver(deps);
  const createContext = createContextFactory(
    deps,
    resolveCaller,
    () => '127.0.0.1',
    () => 'default',
  );
  const requireFlag = createRequireFlag({
    flags: deps.flags,
    userIdOf: async (c) => (await resolveCaller(c))?.userId ?? null,
  });
  const app = new Hono();
  app.use(
    '/api/trpc/*',
    trpcServer({
      endpoint: '/api/trpc',
      router: testRouter,
      createContext: (options, c) =>
        createContext(c, options.info.calls) as unknown as Promise<Record<string, unknown>>,
    }),
  );
  app.get('/api/beta', requireFlag(flagKey), (c) => c.json({ beta: true }));
  app.notFound(notFound);
  return {
    async call(path: string, input: unknown = null, token?: string) {
      const batch = encodeURIComponent(JSON.stringify({ 0: { json: input } }));
      const response = await app.request(`/api/trpc/${path}?batch=1&input=${batch}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      const [item] = (await response.json()) as {
        result?: { data: { json: unknown } };
        error?: { json: { message: string; code: number; data: Record<string, unknown> } };
      }[];
      return { status: response.status, item: item! };
    },
    async route(path: string, token?: string) {
      const response = await app.request(path, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
  };
}

/** A 404 answer with its path taken out of the message and data, to compare with another path's. */
const withoutPath = (answer: Awaited<ReturnType<ReturnType<typeof gatedServer>['call']>>, path: string) =>
  JSON.parse(JSON.stringify(answer).replaceAll(path, '<path>'));

let t: TestApp;
let admin: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  admin = await createUser(t, { role: 'admin' });
});
afterAll(() => t.close());

const setFlag = (key: string, enabled: boolean, rolloutPercent: number) =>
  flagsAdmin.setFlag(t.deps, { userId: admin.user.id }, { key, enabled, rolloutPercent });

describe('gatedBy (tRPC) and requireFlag (plain routes)', () => {
  it('answer a gated-off procedure exactly as a path with no procedure, before auth and input checks', async () => {
    const key = unique('gate').toLowerCase();
    const server = gatedServer(t.deps, key);
    const alice = await createUser(t);
    expect((await server.call('open')).item.result?.data.json).toBe('open');

    // Unknown flag: off.
    const gated = await server.call('hello');
    const unknown = await server.call('nothing.here');
    expect(gated.status).toBe(404);
    expect(gated.item.error?.json).toMatchObject({
      message: 'No procedure found on path "hello"',
      data: { code: 'NOT_FOUND', httpStatus: 404, errorCode: 'NOT_FOUND' },
    });
    expect(withoutPath(gated, 'hello')).toEqual(withoutPath(unknown, 'nothing.here'));
    // Neither 401 without a token nor 400 for a bad input: nothing says the procedure exists.
    expect((await server.call('whoami', { n: 'x' })).status).toBe(404);
    expect((await server.call('whoami', { n: 1 }, alice.accessToken)).status).toBe(404);

    const route = await server.route('/api/beta');
    const noRoute = await server.route('/api/nothing-here');
    expect(route).toEqual({
      status: 404,
      body: { ...noRoute.body, message: 'No route for GET /api/beta' },
    });
    expect(noRoute.body).toMatchObject({ code: 'NOT_FOUND', message: 'No route for GET /api/nothing-here' });

    // On for everyone: the procedures and the route exist, with their own checks.
    await setFlag(key, true, 100);
    expect(await server.call('hello')).toMatchObject({
      status: 200,
      item: { result: { data: { json: 'hello' } } },
    });
    expect((await server.call('whoami', { n: 1 })).item.error?.json.data).toMatchObject({ httpStatus: 401 });
    expect((await server.call('whoami', { n: 'x' }, alice.accessToken)).status).toBe(400);
    expect((await server.call('whoami', { n: 2 }, alice.accessToken)).item.result?.data.json).toEqual({
      n: 2,
      userId: alice.user.id,
    });
    expect(await server.route('/api/beta')).toEqual({ status: 200, body: { beta: true } });

    // Off again.
    await setFlag(key, false, 100);
    expect((await server.call('hello')).status).toBe(404);
    expect((await server.route('/api/beta')).status).toBe(404);
  });

  it('open to the users the flag is on for: its rollout and overrides', async () => {
    const key = unique('gate').toLowerCase();
    const server = gatedServer(t.deps, key);
    const alice = await createUser(t);
    const bob = await createUser(t);
    await setFlag(key, true, 0);
    await flagsAdmin.setOverride(
      t.deps,
      { userId: admin.user.id },
      { key, userId: alice.user.id, value: true },
    );
    expect((await server.call('whoami', { n: 1 }, alice.accessToken)).status).toBe(200);
    expect((await server.call('whoami', { n: 1 }, bob.accessToken)).status).toBe(404);
    expect((await server.route('/api/beta', alice.accessToken)).status).toBe(200);
    expect((await server.route('/api/beta', bob.accessToken)).status).toBe(404);
    // Anonymous callers only ever see flags rolled out to everyone.
    expect((await server.call('hello')).status).toBe(404);
    expect((await server.route('/api/beta')).status).toBe(404);
  });

  it.runIf(usingPostgres())('answer 404, never 500, while the database is unreachable', async () => {
    const { database, proxy } = await proxiedPostgres();
    const down = await createTestApp({ database });
    try {
      const key = unique('gate').toLowerCase();
      const alice = await createUser(t);
      await setFlag(key, true, 100);
      await flagsAdmin.setOverride(
        t.deps,
        { userId: admin.user.id },
        { key, userId: alice.user.id, value: true },
      );
      const server = gatedServer(down.deps, key);
      await down.deps.flags.changed(key);
      expect((await server.call('whoami', { n: 1 }, alice.accessToken)).status).toBe(200);

      await proxy.cut();
      // The change message drops cached overrides; they cannot be read again.
      await down.deps.flags.changed(key);
      expect((await server.call('whoami', { n: 1 }, alice.accessToken)).status).toBe(404);
      expect((await server.route('/api/beta', alice.accessToken)).status).toBe(404);
      const unknown = gatedServer(down.deps, unique('gate').toLowerCase());
      expect((await unknown.call('hello')).status).toBe(404);
      expect((await unknown.route('/api/beta')).status).toBe(404);
    } finally {
      await down.close();
      await database.close().catch(() => undefined);
    }
  });
});
