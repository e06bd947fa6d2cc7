import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.js';
import { assertPasswordPolicy, hashPassword, isCommonPassword, verifyPassword } from './passwords.js';

const policyCode = (password: string, email = 'jane@example.com') => {
  try {
    assertPasswordPolicy(password, email);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).issues?.[0]?.code;
  }
};

describe('password policy', () => {
  it("accepts the app's own example and ordinary strong passwords, with no special-character rule", () => {
    expect(policyCode('Secret123')).toBe('ok');
    expect(policyCode('Tallinn2026Spring')).toBe('ok');
  });

  it.each([
    ['short1A', 'PASSWORD_WEAK'],
    ['alllowercase1', 'PASSWORD_WEAK'],
    ['NoDigitsHere', 'PASSWORD_WEAK'],
    ['A1'.repeat(65), 'PASSWORD_WEAK'],
    ['Password1', 'PASSWORD_COMMON'],
    ['Qwerty123', 'PASSWORD_COMMON'],
    ['MyJaneSecret9', 'PASSWORD_CONTAINS_EMAIL'],
  ])('rejects %s with %s', (password, code) => {
    expect(policyCode(password)).toBe(code);
  });

  it('ships a list of 10,000 common passwords', () => {
    expect(isCommonPassword('123456')).toBe(true);
    expect(isCommonPassword('iloveyou')).toBe(true);
    expect(isCommonPassword('Tallinn2026Spring')).toBe(false);
  });
});

describe('password hashing', () => {
  it('uses argon2id with the OWASP parameters and verifies', async () => {
    const hash = await hashPassword('Secret123');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'Secret123')).toBe(true);
    expect(await verifyPassword(hash, 'Secret124')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'Secret123')).toBe(false);
  });
});
