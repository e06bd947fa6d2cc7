import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';

describe('AppError', () => {
  it('keeps the cause it was given and takes its status from the one table', () => {
    const cause = new Error('connection reset');
    const error = new AppError('UPSTREAM_ERROR', 'Mail server unavailable', { cause });
    expect(error.cause).toBe(cause);
    expect(error.status).toBe(502);
    expect(new AppError('NOT_FOUND', 'x')).not.toHaveProperty('cause');
  });
});
