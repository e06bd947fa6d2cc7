import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminProcedures, badTokens, callProcedure, protectedProcedures } from '../../../test/authz.js';
import { createUser, type TestUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';

let t: TestApp;
let alice: TestUser;
let revoked: TestUser;
let tokens: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  alice = await createUser(t);
  revoked = await createUser(t);
  await revoked.client.auth.logout.mutate();
  tokens = {
    none: '',
    ...(await badTokens(alice.user.id, alice.sessionId)),
    'revoked session': revoked.authorization,
  };
});
afterAll(() => t.close());

const errorOf = async (response: Response) =>
  ((await response.json()) as [{ error: { json: { data: { code: string; errorCode: string } } } }])[0].error
    .json.data;

describe('authorization suite: every protected procedure', () => {
  it('has protected procedures to check', () => {
    expect(protectedProcedures().length).toBeGreaterThan(10);
  });

  for (const kind of [
    'none',
    'malformed',
    'not bearer',
    'expired',
    'bad signature',
    'alg none',
    'wrong audience',
    'revoked session',
  ]) {
    it(`answers 401 UNAUTHORIZED with ${kind === 'none' ? 'no token' : `a ${kind} token`}`, async () => {
      const failures: string[] = [];
      for (const procedure of protectedProcedures()) {
        const response = await callProcedure(t, procedure, tokens[kind] || null);
        const data = response.status === 401 ? await errorOf(response) : null;
        if (data?.code !== 'UNAUTHORIZED') failures.push(`${procedure.path} → ${response.status}`);
      }
      expect(failures).toEqual([]);
    });
  }

  it('answers 403 FORBIDDEN to a signed-in ordinary user on admin procedures', async () => {
    for (const procedure of adminProcedures()) {
      const response = await callProcedure(t, procedure, alice.authorization);
      expect(response.status, procedure.path).toBe(403);
    }
  });

  it("never lets a user act on another user's session", async () => {
    const bob = await createUser(t);
    await expect(alice.client.auth.revokeSession.mutate({ sessionId: bob.sessionId })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
    const bobSessions = await bob.client.auth.getSessions.query();
    expect(bobSessions.map((session) => session.id)).toContain(bob.sessionId);
    expect((await alice.client.auth.getSessions.query()).map((session) => session.id)).not.toContain(
      bob.sessionId,
    );
  });
});
