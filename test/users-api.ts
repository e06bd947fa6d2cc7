import { trpcServer } from '@hono/trpc-server';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { Hono } from 'hono';
import superjson from 'superjson';
import { createErrorHandler, notFound } from '../src/http/errors.js';
import { createRequestId } from '../src/http/middleware/request-id.js';
import { createCallerResolver } from '../src/modules/auth/caller.js';
import { adminUsersRouter, usersRouter } from '../src/modules/users/router.js';
import { createContextFactory } from '../src/trpc/context.js';
import { router } from '../src/trpc/init.js';
import { appRouter } from '../src/trpc/router.js';
import type { TestApp } from './harness.js';

const usersApiRouter = router({ user: usersRouter, admin: adminUsersRouter });
export type UsersApiClient = ReturnType<typeof createTRPCClient<typeof usersApiRouter>>;

/** True once appRouter serves every procedure of the users module. */
export const usersModuleMounted = () =>
  ['user.get', 'admin.setPremium'].every((path) => path in appRouter._def.procedures);

type RequestTarget = { request(path: string, init?: RequestInit): Response | Promise<Response> };

/**
 * HTTP access to `user.*` and `admin.setPremium` for tests. Through the real app once the router is
 * mounted in appRouter; until then through the same tRPC setup (request id, bearer-token caller
 * resolution, error formatting, error envelope) serving just this module's routers on the same deps.
 */
export function usersApi(t: TestApp) {
  let target: RequestTarget = t.app;
  if (!usersModuleMounted()) {
    const createContext = createContextFactory(t.deps, createCallerResolver(t.deps));
    const app = new Hono();
    app.use('*', createRequestId());
    app.use(
      '/api/trpc/*',
      trpcServer({
        endpoint: '/api/trpc',
        router: usersApiRouter,
        createContext: (_options, c) => createContext(c) as unknown as Promise<Record<string, unknown>>,
      }),
    );
    app.notFound(notFound);
    app.onError(createErrorHandler(t.deps.log));
    target = app;
  }
  const request = async (path: string, init?: RequestInit) =>
    target.request(path.startsWith('http') ? path : `http://localhost${path}`, init);

  return {
    request,
    /** A typed client (httpBatchLink + superjson, as the app uses) sending this bearer token, or none. */
    client(accessToken: string | null): UsersApiClient {
      return createTRPCClient<typeof usersApiRouter>({
        links: [
          httpBatchLink({
            url: 'http://localhost/api/trpc',
            transformer: superjson,
            headers: () => (accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
            fetch: (url, init) => request(String(url), init as RequestInit),
          }),
        ],
      });
    },
  };
}
