import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type JWTPayload, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Env } from '../../config/env.js';

const ALGORITHM = 'HS256';

export interface AccessClaims {
  userId: string;
  sessionId: string;
  role: 'user' | 'admin';
}

export interface KeyRing {
  signingKid: string;
  keys: ReadonlyMap<string, Uint8Array>;
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
}

/**
 * The signing key and the retired keys that still verify. Tokens carry the `kid` of the key that signed
 * them, so rotating the key (old one moved to JWT_PREVIOUS_KEYS) logs nobody out.
 */
export function createKeyRing(env: Env): KeyRing {
  const keys = new Map<string, Uint8Array>();
  for (const { kid, secret } of env.JWT_PREVIOUS_KEYS) keys.set(kid, new TextEncoder().encode(secret));
  keys.set(env.JWT_KEY_ID, new TextEncoder().encode(env.JWT_SECRET));
  return {
    signingKid: env.JWT_KEY_ID,
    keys,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    accessTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
  };
}

/** Signs a short-lived access token (HS256 with the ring's current key). */
export async function signAccessToken(
  ring: KeyRing,
  claims: AccessClaims,
  now = new Date(),
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ sid: claims.sessionId, type: 'access', role: claims.role })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT', kid: ring.signingKid })
    .setSubject(claims.userId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ring.accessTtlSeconds)
    .setIssuer(ring.issuer)
    .setAudience(ring.audience)
    .setJti(randomUUID())
    .sign(ring.keys.get(ring.signingKid)!);
}

/**
 * Verifies an access token: algorithm pinned to HS256 (so `none` and algorithm confusion fail), key chosen
 * by `kid` from the ring, issuer, audience, expiry and claim types checked. Returns null for any invalid
 * token: the caller is then anonymous, and protected procedures answer 401.
 */
export async function verifyAccessToken(ring: KeyRing, token: string): Promise<AccessClaims | null> {
  return (await verifyAccessTokenExpiry(ring, token))?.claims ?? null;
}

/**
 * `verifyAccessToken`, with the moment the token expires: a long-lived connection (a WebSocket) is
 * authenticated once and must end when its token does.
 */
export async function verifyAccessTokenExpiry(
  ring: KeyRing,
  token: string,
): Promise<{ claims: AccessClaims; expiresAt: Date } | null> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid ? ring.keys.get(header.kid) : undefined;
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: [ALGORITHM],
        issuer: ring.issuer,
        audience: ring.audience,
        requiredClaims: ['sub', 'sid', 'exp', 'iat', 'jti'],
      },
    );
    const claims = toClaims(payload);
    return claims ? { claims, expiresAt: new Date(payload.exp! * 1000) } : null;
  } catch {
    return null;
  }
}

function toClaims(payload: JWTPayload): AccessClaims | null {
  const { sub, sid, type, role } = payload as JWTPayload & { sid?: unknown; type?: unknown; role?: unknown };
  if (type !== 'access' || typeof sub !== 'string' || typeof sid !== 'string') return null;
  if (role !== 'user' && role !== 'admin') return null;
  return { userId: sub, sessionId: sid, role };
}

/** A new opaque refresh token: 256 random bits, URL-safe. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Stored form of a refresh token. Plain SHA-256 suffices: the token itself has 256 bits of entropy. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
