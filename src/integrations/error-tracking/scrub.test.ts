import type { ErrorEvent } from '@sentry/node';
import { describe, expect, it } from 'vitest';
import { scrubEvent, scrubMessage, WITHHELD_MESSAGE } from './scrub.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.abcDEF123_-';

describe('scrubMessage', () => {
  it.each([
    [
      'drizzle parameters',
      'Failed query: select 1 where email = $1\nparams: ada@example.com',
      'Failed query: select 1 where email = $1',
    ],
    [
      'URL credentials',
      'connect to postgres://app:s3cret@db.internal/app failed',
      'connect to postgres://[REDACTED]@db.internal/app failed',
    ],
    ['a JWT', `token ${JWT} rejected`, 'token [REDACTED] rejected'],
    ['an Authorization value', 'sent Bearer abcdefgh12345678 upstream', 'sent [REDACTED] upstream'],
    ['a secret assignment', 'config api_key=sk-123456 invalid', 'config api_key=[REDACTED] invalid'],
    ['an email', 'no account for ada@example.com', 'no account for [REDACTED]'],
  ])('removes %s', (_what, message, scrubbed) => {
    expect(scrubMessage(message)).toBe(scrubbed);
  });

  it('leaves a message without personal data as it is', () => {
    expect(scrubMessage('relation "users" does not exist')).toBe('relation "users" does not exist');
  });
});

describe('scrubEvent', () => {
  const event = {
    type: undefined,
    event_id: 'e1',
    release: 'linguamate-api@1.0.0',
    tags: { requestId: 'r-1', traceId: 'a'.repeat(32) },
    request: { url: 'https://api.example/x?token=abc', headers: { authorization: 'Bearer x' }, data: '{}' },
    user: { id: 'u-1', email: 'ada@example.com', ip_address: '198.51.100.7' },
    breadcrumbs: [{ message: 'GET /api/x?token=abc' }],
    extra: { __serialized__: { password: 'pw' } },
    transaction: '/api/users/ada@example.com',
    contexts: {
      trace: { trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) },
      runtime: { name: 'node', version: 'v24.0.0' },
      database: { sqlstate: '22P02' },
      culture: { locale: 'en-GB', timezone: 'Europe/London' },
    },
    exception: {
      values: [
        { type: 'error', value: 'invalid input syntax for type uuid: "ada@example.com"' },
        { type: 'Error', value: 'Failed query: select $1::uuid\nparams: ada@example.com' },
      ],
    },
  } satisfies ErrorEvent;

  it('drops request, user, breadcrumbs, extra and transaction, and keeps only known contexts', () => {
    const scrubbed = scrubEvent(event);
    for (const field of ['request', 'user', 'breadcrumbs', 'extra', 'transaction'])
      expect(scrubbed).not.toHaveProperty(field);
    expect(Object.keys(scrubbed.contexts ?? {})).toEqual(['trace', 'runtime', 'database']);
    expect(scrubbed).toMatchObject({ event_id: 'e1', release: event.release, tags: event.tags });
  });

  it('scrubs exception messages, and replaces withheld ones whole', () => {
    const quoted = 'invalid input syntax for type uuid: "ada@example.com"';
    const scrubbed = scrubEvent(event, new Set([quoted]));
    expect(scrubbed.exception?.values?.map((value) => value.value)).toEqual([
      WITHHELD_MESSAGE,
      'Failed query: select $1::uuid',
    ]);
    expect(JSON.stringify(scrubbed)).not.toContain('ada@example.com');
  });
});
