import { describe, expect, it } from 'vitest';
import { isSecretKey, redactJson, redactText } from './redact.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.abcDEF123_-';

describe('redactText', () => {
  it.each([
    [`token ${JWT} expired`, 'token [REDACTED] expired'],
    [`Authorization: Bearer ${JWT}`, 'Authorization: [REDACTED]'],
    ['basic dXNlcjpwYXNzd29yZA==', '[REDACTED]'],
    ['password=hunter2 ok', 'password=[REDACTED] ok'],
    ['{"newPassword": "Secr3t!", "lang": "es"}', '{"newPassword": "[REDACTED]", "lang": "es"}'],
    ['GET /cb?refresh_token=abc.def&x=1', 'GET /cb?refresh_token=[REDACTED]&x=1'],
    ['api-key: sk-live-123', 'api-key: [REDACTED]'],
    ['mail ana.lopez@example.com now', 'mail [REDACTED] now'],
    ['card 4242 4242 4242 4242', 'card [REDACTED]'],
    ['call (415) 555-0134', 'call [REDACTED]'],
  ])('redacts %j', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('leaves ordinary text alone', () => {
    const text = 'lesson 12 completed in 340 ms, score 0.92, build 2024.11.3 (token count: 15)';
    expect(redactText(text)).toBe(text);
  });
});

describe('redactJson', () => {
  it('replaces the values of secret keys whole and redacts every string, keys included', () => {
    expect(
      redactJson({
        password: { nested: 'x' },
        accessToken: 'abc',
        'x-api-key': 'k',
        sessionToken: null,
        list: ['ana@example.com', 3, true, null],
        'ana@example.com': 'key is an address',
        deep: { cookie: 'sid=1', ok: 'fine' },
      }),
    ).toEqual({
      password: '[REDACTED]',
      accessToken: '[REDACTED]',
      'x-api-key': '[REDACTED]',
      sessionToken: null,
      list: ['[REDACTED]', 3, true, null],
      '[REDACTED]': 'key is an address',
      deep: { cookie: '[REDACTED]', ok: 'fine' },
    });
  });

  it('knows credential names however they are written', () => {
    for (const key of [
      'password',
      'Authorization',
      'refresh_token',
      'googleIdToken',
      'client-secret',
      'HMAC',
    ])
      expect(isSecretKey(key), key).toBe(true);
    for (const key of ['tokenCount', 'screen', 'passwordStrengthShown', 'level'])
      expect(isSecretKey(key), key).toBe(false);
  });
});
