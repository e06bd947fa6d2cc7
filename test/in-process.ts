import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../src/trpc/router.js';
import type { TestApp, TrpcClient } from './harness.js';

/**
 * The real app without a socket: requests go through `app.request`, the whole middleware stack included.
 * `client` is typed like the app's own client (httpBatchLink + superjson) and sends the given token.
 */
export function inProcessApi(t: TestApp) {
  const request = async (path: string, init?: RequestInit) =>
    t.app.request(path.startsWith('http') ? path : `http://localhost${path}`, init);
  return {
    request,
    client(accessToken: string | null): TrpcClient {
      return createTRPCClient<AppRouter>({
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
