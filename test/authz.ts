import { SignJWT, UnsecuredJWT } from 'jose';
import { appRouter } from '../src/trpc/router.js';
import { TEST_JWT_SECRET, type TestApp } from './harness.js';
import { trpcCall } from './trpc-call.js';

/**
 * Procedures anyone may call. Every other procedure of the router must refuse a request without a valid
 * access token: the authorization suite checks that for each one, so a new procedure is protected unless
 * it is deliberately listed here.
 */
export const PUBLIC_PROCEDURES = new Set([
  'example.hi',
  'auth.login',
  'auth.signin',
  'auth.signup',
  'auth.refreshToken',
  'auth.verifyEmail',
  'auth.requestPasswordReset',
  'auth.resetPassword',
  'auth.unlockAccount',
  'lessons.getAll',
  'lessons.getById',
  'leaderboard.get',
  'leaderboard.getRankings',
  'leaderboard.searchUsers',
  'leaderboard.compareUsers',
  'leaderboard.getGlobalStats',
  'analytics.getLeaderboard',
  'dialogue.getTopics',
  'dialogue.getScenes',
  'dialogue.scoreSemantic',
  'learn.getContent',
  // The app calls them without a token (api-contract §0 #4); each caller's cache is its own.
  'tutorData.fetch',
  'tutorData.fetchMultiple',
  'tutorData.clearCache',
  'tutorData.getCacheStats',
]);

type ProcedureType = 'query' | 'mutation' | 'subscription';

export function allProcedures(): { path: string; type: ProcedureType }[] {
  return Object.entries(
    appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureType } }>,
  ).map(([path, procedure]) => ({ path, type: procedure._def.type }));
}

export const protectedProcedures = () => allProcedures().filter(({ path }) => !PUBLIC_PROCEDURES.has(path));
export const adminProcedures = () => protectedProcedures().filter(({ path }) => path.startsWith('admin.'));

/** Calls one procedure over HTTP the way httpBatchLink does, with the given Authorization header. */
export async function callProcedure(
  t: TestApp,
  procedure: { path: string; type: ProcedureType },
  authorization: string | null,
  input: unknown = {},
): Promise<Response> {
  if (procedure.type === 'subscription')
    throw new Error(`${procedure.path}: subscriptions are not sent over HTTP`);
  const headers: Record<string, string> = authorization ? { authorization } : {};
  return (await trpcCall(t, procedure.path, input, { type: procedure.type, headers })).response;
}

const claims = (sessionId: string) => ({ sid: sessionId, type: 'access', role: 'user' });

/** Access tokens that must all be refused, built for a real user and session. */
export async function badTokens(userId: string, sessionId: string): Promise<Record<string, string>> {
  const key = new TextEncoder().encode(TEST_JWT_SECRET);
  const base = () =>
    new SignJWT(claims(sessionId))
      .setSubject(userId)
      .setIssuer('linguamate-api')
      .setAudience('linguamate-app')
      .setJti(crypto.randomUUID());
  const now = Math.floor(Date.now() / 1000);
  return {
    malformed: 'Bearer not.a.jwt',
    'not bearer': `Basic ${Buffer.from('a:b').toString('base64')}`,
    expired: `Bearer ${await base()
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuedAt(now - 3600)
      .setExpirationTime(now - 1800)
      .sign(key)}`,
    'bad signature': `Bearer ${await base()
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('another-secret-another-secret-0123456789'))}`,
    'alg none': `Bearer ${new UnsecuredJWT(claims(sessionId))
      .setSubject(userId)
      .setIssuer('linguamate-api')
      .setAudience('linguamate-app')
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('x')
      .encode()}`,
    'wrong audience': `Bearer ${await new SignJWT(claims(sessionId))
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject(userId)
      .setIssuer('linguamate-api')
      .setAudience('another-app')
      .setJti('x')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key)}`,
  };
}
