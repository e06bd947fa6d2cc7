import { REDACTED_PATHS } from './logger.js';
import { REDACTED, redactPersonalData } from './safety.js';

/** `access_token`, `Access-Token` and `accessToken` are one name. */
const normaliseKey = (key: string) => key.toLowerCase().replace(/[-_\s]/g, '');

/** Names whose values are credentials whatever they look like: the logger's own list, and the usual others. */
const SECRET_KEYS = new Set(
  [
    ...REDACTED_PATHS.filter((path) => /^[A-Za-z]+$/.test(path)),
    'passwd',
    'pwd',
    'apiKey',
    'idToken',
    'sessionToken',
    'clientSecret',
    'privateKey',
    'setCookie',
    'otp',
    'pin',
    'cvv',
    'cardNumber',
    'hmac',
    'signature',
  ].map(normaliseKey),
);

const SECRET_KEY_ENDINGS = ['token', 'password', 'secret', 'apikey'];

/** True for a key whose value is a credential (`password`, `x-api-key`, `googleIdToken`…). */
export function isSecretKey(key: string): boolean {
  const name = normaliseKey(key);
  return SECRET_KEYS.has(name) || SECRET_KEY_ENDINGS.some((ending) => name.endsWith(ending));
}

/** A JWT (header and payload are base64url JSON, so they start `eyJ`). */
const JWT = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
/** An Authorization value written out: `Bearer abc…`, `Basic dXNlcjpwYXNz`. */
const AUTH_SCHEME = /\b(?:bearer|basic)\s+[\w.~+/=-]{8,}/gi;
/** `password=…`, `"token": "…"`, `api_key: …` inside free text, URLs included. */
const SECRET_ASSIGNMENT =
  /\b((?:[\w-]*(?:password|passwd|pwd|secret|token|api[_-]?key|authorization))["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi;

/**
 * A client's text without credentials or personal data: JWTs, Authorization values and `key=value`
 * credentials become `[REDACTED]`, then the safety filter's emails, phone and card numbers. Linear in
 * the text's length, like the safety filter.
 */
export function redactText(text: string): string {
  const withoutCredentials = text
    .replace(AUTH_SCHEME, REDACTED)
    .replace(JWT, REDACTED)
    .replace(SECRET_ASSIGNMENT, (_match, prefix: string) => `${prefix}${REDACTED}`);
  return redactPersonalData(withoutCredentials).text;
}

/**
 * A JSON value with every string redacted (`redactText`), keys included, and the value of every secret
 * key (`isSecretKey`) replaced whole. The value's depth is bounded by the caller's schema.
 */
export function redactJson(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactJson);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      redactText(key),
      isSecretKey(key) && child !== null ? REDACTED : redactJson(child),
    ]),
  );
}
