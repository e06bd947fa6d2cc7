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
  'leaderboard.onChange',
  'analytics.getLeaderboard',
  'dialogue.getTopics',
  'dialogue.getScenes',
  'dialogue.scoreSemantic',
  'learn.getContent',
  'chat.translate',
  'chat.getConversationStarters',
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
  const headers: Record<string, string> = authorization ? { authorization } : {};
  if (procedure.type === 'subscription') return subscriptionRefusal(t, procedure.path, headers, input);
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

/**
 * Opens a subscription over SSE the way httpSubscriptionLink does (GET, no batch) and reads its first
 * event. tRPC answers a subscription with 200 and sends a refusal as a `serialized-error` event: it comes
 * back here as the batch-shaped error response the suite reads, with the event's own HTTP status.
 */
async function subscriptionRefusal(
  t: TestApp,
  path: string,
  headers: Record<string, string>,
  input: unknown,
): Promise<Response> {
  const query = new URLSearchParams({ input: JSON.stringify({ json: input }) });
  const response = await t.request(`/api/trpc/${path}?${query}`, {
    headers: { ...headers, accept: 'text/event-stream' },
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  let event: string | undefined;
  let data: string | undefined;
  // The stream opens with a `connected` event; the call's outcome is the next one.
  while (event === undefined || event === 'connected') {
    const { done, value } = await reader.read();
    if (done) break;
    text += value;
    const blocks = text.split('\n\n');
    const complete = blocks.slice(0, -1).filter((block) => !/^event: connected$/m.test(block));
    if (complete.length > 0) {
      event = /^event: (.+)$/m.exec(complete[0]!)?.[1] ?? 'message';
      data = /^data: (.+)$/m.exec(complete[0]!)?.[1];
    }
  }
  await reader.cancel();
  if (event !== 'serialized-error' || !data) return new Response(text, { status: response.status });
  // The error shape in its superjson envelope, as a batch item carries it.
  const error = JSON.parse(data) as { json: { data: { httpStatus: number } } };
  return Response.json([{ error }], { status: error.json.data.httpStatus });
}
