import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.js';
import { databaseErrorFacts, loggableError, translateDatabaseError } from './errors.js';

/** An error shaped as pg and PGlite report one (their DatabaseError), wrapped as drizzle throws it. */
function failedQuery(fields: Record<string, string>, message = 'statement failed') {
  const driver = Object.assign(new Error(message), { severity: 'ERROR', ...fields });
  return new DrizzleQueryError('update "users" set "email" = $1', ['someone@example.com'], driver);
}

describe('translateDatabaseError', () => {
  it.each([
    ['23514', { constraint: 'users_bio_check' }, 'VALIDATION_ERROR', 'bio', 'OUT_OF_RANGE'],
    ['23505', { constraint: 'users_email_idx' }, 'CONFLICT', 'email', 'ALREADY_EXISTS'],
    ['23502', { table: 'users', column: 'password_hash' }, 'VALIDATION_ERROR', 'passwordHash', 'REQUIRED'],
    ['22001', {}, 'VALIDATION_ERROR', null, 'TOO_LONG'],
    ['22003', {}, 'VALIDATION_ERROR', null, 'OUT_OF_RANGE'],
    ['22P02', {}, 'VALIDATION_ERROR', null, 'INVALID_FORMAT'],
    ['22007', {}, 'VALIDATION_ERROR', null, 'INVALID_FORMAT'],
  ])('maps SQLSTATE %s to a 4xx naming only the field', (code, fields, errorCode, field, issue) => {
    const error = translateDatabaseError(failedQuery({ code, ...fields }));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: errorCode });
    expect((error as AppError).issues).toEqual(
      field ? [expect.objectContaining({ path: field, code: issue })] : [],
    );
    expect((error as AppError).message).not.toMatch(/users_|someone@/);
  });

  it('tells a missing referenced row (NOT_FOUND) from a row still referenced (CONFLICT)', () => {
    const constraint = 'xp_events_user_id_users_id_fk';
    const missing = failedQuery({
      code: '23503',
      constraint,
      detail: 'Key (user_id)=(…) is not present in table "users".',
    });
    expect(translateDatabaseError(missing)).toMatchObject({
      code: 'NOT_FOUND',
      issues: [{ path: 'userId', code: 'NOT_FOUND' }],
    });
    const referenced = failedQuery({
      code: '23503',
      constraint,
      detail: 'Key (id)=(…) is still referenced.',
    });
    expect(translateDatabaseError(referenced)).toMatchObject({ code: 'CONFLICT' });
  });

  it('leaves faults, other errors and AppErrors as they are', () => {
    const fault = failedQuery({ code: '42P01' });
    expect(translateDatabaseError(fault)).toBe(fault);
    const broken = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    expect(translateDatabaseError(broken)).toBe(broken);
    const appError = new AppError('NOT_FOUND', 'gone');
    expect(translateDatabaseError(appError)).toBe(appError);
    expect(translateDatabaseError(undefined)).toBeUndefined();
  });
});

describe('what a log line may hold of a database error', () => {
  it('keeps the SQLSTATE facts and the SQL text, never the parameters or the detail', () => {
    const error = failedQuery(
      {
        code: '23505',
        constraint: 'users_email_idx',
        table: 'users',
        detail: 'Key (email)=(someone@example.com)',
      },
      'duplicate key value violates unique constraint "users_email_idx"',
    );
    const logged = loggableError(error) as Record<string, unknown>;
    expect(logged).toMatchObject({
      sqlstate: '23505',
      constraint: 'users_email_idx',
      table: 'users',
      query: 'update "users" set "email" = $1',
    });
    expect(JSON.stringify(logged)).not.toContain('someone@example.com');
    expect(databaseErrorFacts(error)).toEqual({
      sqlstate: '23505',
      constraint: 'users_email_idx',
      table: 'users',
    });
  });

  it('drops the message of a data exception, which quotes the value', () => {
    const logged = loggableError(
      failedQuery({ code: '22P02' }, 'invalid input syntax for type uuid: "secret-ish"'),
    );
    expect(JSON.stringify(logged)).not.toContain('secret-ish');
    const other = new Error('not from the database');
    expect(loggableError(other)).toBe(other);
  });
});
