import { describe, expect, it } from 'vitest';
import { maskAddress } from './mask.js';

describe('maskAddress', () => {
  it('keeps the first character and the domain', () => {
    expect(maskAddress('jane.doe@example.com')).toBe('j***@example.com');
    expect(maskAddress('j@example.com')).toBe('j***@example.com');
  });

  it('reveals nothing of something that is not an address', () => {
    expect(maskAddress('no-at-sign')).toBe('***');
    expect(maskAddress('@example.com')).toBe('***');
    expect(maskAddress('jane@')).toBe('***');
  });
});
