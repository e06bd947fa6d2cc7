import { describe, expect, it } from 'vitest';
import { signedPayload, signPayload, verifySignature } from './signature.js';

describe('log batch signatures', () => {
  it('is HMAC-SHA256 in lower-case hex (RFC 4231 test case 2)', () => {
    expect(signPayload('what do ya want for nothing?', 'Jefe')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('signs JSON.stringify({items, ts}) of the entries as sent', () => {
    const items = [{ lvl: 'INFO', msg: 'hi' }];
    expect(signedPayload(items, '2026-01-01T00:00:00.000Z')).toBe(
      '{"items":[{"lvl":"INFO","msg":"hi"}],"ts":"2026-01-01T00:00:00.000Z"}',
    );
  });

  it('accepts the right signature in either case and refuses any other', () => {
    const hmac = signPayload('payload', 'key-0123456789abcdef');
    expect(verifySignature('payload', hmac, 'key-0123456789abcdef')).toBe(true);
    expect(verifySignature('payload', hmac.toUpperCase(), 'key-0123456789abcdef')).toBe(true);
    expect(verifySignature('payload!', hmac, 'key-0123456789abcdef')).toBe(false);
    expect(verifySignature('payload', hmac, 'key-0123456789abcdeF')).toBe(false);
    expect(verifySignature('payload', hmac.slice(1), 'key-0123456789abcdef')).toBe(false);
    expect(verifySignature('payload', '', 'key-0123456789abcdef')).toBe(false);
  });
});
