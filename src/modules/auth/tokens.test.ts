import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../config/env.js';
import { createKeyRing, signAccessToken, verifyAccessToken } from './tokens.js';

const OLD_SECRET = 'old-secret-old-secret-old-secret-0001';
const NEW_SECRET = 'new-secret-new-secret-new-secret-0002';
const claims = {
  userId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  sessionId: 'a1b2c3d4-0000-4000-8000-000000000001',
  role: 'user' as const,
};

const ringWith = (env: Record<string, string>) => createKeyRing(parseEnv(env));
const oldRing = ringWith({ JWT_SECRET: OLD_SECRET, JWT_KEY_ID: 'k1' });
const rotatedRing = ringWith({
  JWT_SECRET: NEW_SECRET,
  JWT_KEY_ID: 'k2',
  JWT_PREVIOUS_KEYS: `k1:${OLD_SECRET}`,
});

const header = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
const payload = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/** A token built by hand, to try what the verifier must refuse. */
const forge = (options: { alg?: string; kid?: string; type?: string; secret?: string }) =>
  new SignJWT({ sid: claims.sessionId, type: options.type ?? 'access', role: 'user' })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', kid: options.kid ?? 'k1' })
    .setSubject(claims.userId)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setIssuer('linguamate-api')
    .setAudience('linguamate-app')
    .setJti('x')
    .sign(new TextEncoder().encode(options.secret ?? OLD_SECRET));

describe('access tokens', () => {
  it('carry sub, sid, type, iat, exp, iss, aud, jti and the key id, and verify', async () => {
    const token = await signAccessToken(oldRing, claims);
    expect(header(token)).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'k1' });
    const body = payload(token);
    expect(Object.keys(body).sort()).toEqual([
      'aud',
      'exp',
      'iat',
      'iss',
      'jti',
      'role',
      'sid',
      'sub',
      'type',
    ]);
    expect(Number(body.exp) - Number(body.iat)).toBe(900);
    expect(await verifyAccessToken(oldRing, token)).toEqual(claims);
  });

  it('keep verifying after key rotation, while new tokens use the new key', async () => {
    const before = await signAccessToken(oldRing, claims);
    expect(await verifyAccessToken(rotatedRing, before)).toEqual(claims);
    const after = await signAccessToken(rotatedRing, claims);
    expect(header(after).kid).toBe('k2');
    // A server that never had the new key cannot accept tokens signed with it.
    expect(await verifyAccessToken(oldRing, after)).toBeNull();
  });

  it('reject expired tokens', async () => {
    const token = await signAccessToken(oldRing, claims, new Date(Date.now() - 16 * 60_000));
    expect(await verifyAccessToken(oldRing, token)).toBeNull();
  });

  it('reject a bad signature, an unknown key id, and a tampered payload', async () => {
    const token = await signAccessToken(oldRing, claims);
    const [h, p, s] = token.split('.');
    expect(await verifyAccessToken(oldRing, `${h}.${p}.${s!.slice(0, -2)}AA`)).toBeNull();
    const forged = Buffer.from(JSON.stringify({ ...payload(token), role: 'admin' })).toString('base64url');
    expect(await verifyAccessToken(oldRing, `${h}.${forged}.${s}`)).toBeNull();
    const unknownKid = await forge({ kid: 'k9' });
    expect(await verifyAccessToken(oldRing, unknownKid)).toBeNull();
  });

  it('reject alg none and other algorithms, even with a known key id', async () => {
    const none = new UnsecuredJWT({ sid: claims.sessionId, type: 'access', role: 'admin' })
      .setSubject(claims.userId)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setIssuer('linguamate-api')
      .setAudience('linguamate-app')
      .setJti('x')
      .encode();
    expect(await verifyAccessToken(oldRing, none)).toBeNull();
    const hs512 = await forge({ alg: 'HS512', secret: OLD_SECRET.repeat(2) });
    expect(await verifyAccessToken(oldRing, hs512)).toBeNull();
  });

  it('reject the wrong audience or issuer, and refresh-type tokens', async () => {
    const otherAudience = ringWith({ JWT_SECRET: OLD_SECRET, JWT_AUDIENCE: 'someone-else' });
    const otherIssuer = ringWith({ JWT_SECRET: OLD_SECRET, JWT_ISSUER: 'someone-else' });
    expect(await verifyAccessToken(oldRing, await signAccessToken(otherAudience, claims))).toBeNull();
    expect(await verifyAccessToken(oldRing, await signAccessToken(otherIssuer, claims))).toBeNull();
    const refreshType = await forge({ type: 'refresh' });
    expect(await verifyAccessToken(oldRing, refreshType)).toBeNull();
  });
});
