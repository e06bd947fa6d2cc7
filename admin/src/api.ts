import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../../src/trpc/router.js';
import { currentSession, endSession, replaceTokens, startSession } from './session.js';

const client = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: '/api/trpc',
      transformer: superjson,
      headers: () => {
        const session = currentSession();
        return session ? { authorization: `Bearer ${session.accessToken}` } : {};
      },
    }),
  ],
});

/** What the console shows of a failed call: the API's error code and request id, and its message. */
export interface ApiFailure {
  code: string;
  message: string;
  requestId: string | null;
}

export function failureOf(error: unknown): ApiFailure {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as { errorCode?: string; code?: string; requestId?: string | null };
    return {
      code: data.errorCode ?? data.code ?? 'NETWORK_ERROR',
      message: error.message,
      requestId: data.requestId ?? null,
    };
  }
  return {
    code: 'CLIENT_ERROR',
    message: error instanceof Error ? error.message : String(error),
    requestId: null,
  };
}

const isUnauthorized = (error: unknown) =>
  error instanceof TRPCClientError && failureOf(error).code === 'UNAUTHORIZED';

let sessionExpired: () => void = () => undefined;

/** What to do when a refresh is refused and the session is gone (show the sign-in page). */
export function whenSessionExpires(handler: () => void): void {
  sessionExpired = handler;
}

/** The refresh in flight, shared: the dashboard's calls fail together, and a refresh token works once. */
let refreshing: Promise<void> | null = null;

function refreshTokens(refreshToken: string): Promise<void> {
  refreshing ??= client.auth.refreshToken
    .mutate({ refreshToken })
    .then((tokens) => replaceTokens(tokens.accessToken, tokens.refreshToken))
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/**
 * Runs an authenticated call; when the access token has expired, trades the refresh token for new ones
 * once and retries. A refused refresh ends the session (the console shows the sign-in page).
 */
async function authed<T>(call: () => Promise<T>): Promise<T> {
  const before = currentSession();
  try {
    return await call();
  } catch (error) {
    if (!before || !isUnauthorized(error)) throw error;
    try {
      // Another call may have refreshed already: then only retry.
      const now = currentSession();
      if (now && now.accessToken === before.accessToken) await refreshTokens(now.refreshToken);
    } catch {
      endSession();
      sessionExpired();
      throw error;
    }
    return call();
  }
}

export type AuditEventsInput = Parameters<typeof client.admin.auditEvents.query>[0];
export type AuditEventsPage = Awaited<ReturnType<typeof client.admin.auditEvents.query>>;

/**
 * Signs in, then proves the account is an administrator by asking an admin procedure: a refused account
 * (FORBIDDEN) is signed out again at once and the console keeps no token of it.
 */
export async function signIn(email: string, password: string): Promise<void> {
  const result = await client.auth.login.mutate({ email, password });
  startSession({
    accessToken: result.accessToken,
    refreshToken: result.refreshToken,
    email: result.user.email,
  });
  try {
    await client.admin.auditEvents.query({ limit: 1 });
  } catch (error) {
    await client.auth.logout.mutate().catch(() => undefined);
    endSession();
    throw error;
  }
}

/** Ends the session on the server (best effort) and forgets the tokens. */
export async function signOut(): Promise<void> {
  try {
    if (currentSession()) await client.auth.logout.mutate();
  } finally {
    endSession();
  }
}

const { reports, users, flags } = client.admin;

export const api = {
  auditEvents: (input: AuditEventsInput) => authed(() => client.admin.auditEvents.query(input)),
  reports: {
    activeUsers: (range: Parameters<typeof reports.activeUsers.query>[0]) =>
      authed(() => reports.activeUsers.query(range)),
    signups: (range: Parameters<typeof reports.signups.query>[0]) =>
      authed(() => reports.signups.query(range)),
    lessonsCompleted: (range: Parameters<typeof reports.lessonsCompleted.query>[0]) =>
      authed(() => reports.lessonsCompleted.query(range)),
    xpDistribution: (range: Parameters<typeof reports.xpDistribution.query>[0]) =>
      authed(() => reports.xpDistribution.query(range)),
    aiUsage: (range: Parameters<typeof reports.aiUsage.query>[0]) =>
      authed(() => reports.aiUsage.query(range)),
    errorRatio: (range: Parameters<typeof reports.errorRatio.query>[0]) =>
      authed(() => reports.errorRatio.query(range)),
  },
  users: {
    search: (input: Parameters<typeof users.search.query>[0]) => authed(() => users.search.query(input)),
    get: (userId: string) => authed(() => users.get.query({ userId })),
    setPremium: (input: Parameters<typeof users.setPremium.mutate>[0]) =>
      authed(() => users.setPremium.mutate(input)),
    revokeSessions: (userId: string) => authed(() => users.revokeSessions.mutate({ userId })),
    erase: (userId: string, confirmEmail: string) =>
      authed(() => users.erase.mutate({ userId, confirmEmail })),
  },
  flags: {
    list: () => authed(() => flags.list.query()),
    set: (input: Parameters<typeof flags.set.mutate>[0]) => authed(() => flags.set.mutate(input)),
    setOverride: (input: Parameters<typeof flags.setOverride.mutate>[0]) =>
      authed(() => flags.setOverride.mutate(input)),
    removeOverride: (key: string, userId: string) =>
      authed(() => flags.removeOverride.mutate({ key, userId })),
    delete: (key: string) => authed(() => flags.delete.mutate({ key })),
  },
};
