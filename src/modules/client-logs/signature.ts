import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The value the app signs (api-contract §4): `JSON.stringify({items, ts})` of the entries it sends and
 * the signature's timestamp. `items` is the batch's `logs` exactly as received (parsed JSON, keys in the
 * order sent), which is the app's own parsed entries; re-serialising our validated copy instead would
 * depend on our schema's key order and stripping matching the app's byte for byte.
 */
export function signedPayload(items: unknown, ts: string): string {
  return JSON.stringify({ items, ts });
}

/** Lower-case hex HMAC-SHA256, as CryptoJS's `HmacSHA256(message, key).toString()`. */
export function signPayload(payload: string, key: string): string {
  return createHmac('sha256', key).update(payload, 'utf8').digest('hex');
}

/** Whether `hmac` is the signature of `payload` under `key`, compared in constant time. */
export function verifySignature(payload: string, hmac: string, key: string): boolean {
  const expected = Buffer.from(signPayload(payload, key), 'utf8');
  const given = Buffer.from(hmac.toLowerCase(), 'utf8');
  // Only the length can differ in time, and every valid signature has the same public length (64).
  return given.length === expected.length && timingSafeEqual(given, expected);
}
