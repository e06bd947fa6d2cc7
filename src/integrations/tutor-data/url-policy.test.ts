import { describe, expect, it } from 'vitest';
import { checkUrl, isAllowedHost } from './url-policy.js';

const allowed = ['api.tutor.example', '*.cdn.example.com'];

describe('checkUrl', () => {
  it('passes an http(s) URL whose host is allowed, with the host bare', () => {
    const verdict = checkUrl('https://API.Tutor.Example./lessons?id=1', allowed);
    expect(verdict.ok && verdict.target.host).toBe('api.tutor.example');
    expect(verdict.ok && verdict.target.url.href).toBe('https://api.tutor.example./lessons?id=1');
  });

  it.each([
    ['not a url', 'Invalid URL'],
    ['file:///etc/passwd', 'Only http and https URLs can be fetched'],
    ['ftp://api.tutor.example/', 'Only http and https URLs can be fetched'],
    ['javascript:alert(1)', 'Only http and https URLs can be fetched'],
    ['https://user:secret@api.tutor.example/', 'URLs with credentials cannot be fetched'],
    ['https://user@api.tutor.example/', 'URLs with credentials cannot be fetched'],
    ['https://evil.example/', 'Host evil.example is not on the allowlist'],
    [
      'https://api.tutor.example.evil.example/',
      'Host api.tutor.example.evil.example is not on the allowlist',
    ],
    ['https://cdn.example.com/', 'Host cdn.example.com is not on the allowlist'],
    ['http://127.0.0.1/', 'Host 127.0.0.1 is not on the allowlist'],
    ['http://[::1]/', 'Host ::1 is not on the allowlist'],
  ])('refuses %s', (url, message) => {
    expect(checkUrl(url, allowed)).toEqual({ ok: false, message });
  });

  it('resolves a redirect against the URL that answered it, and refuses a step down to http', () => {
    const base = new URL('https://api.tutor.example/a/b');
    const relative = checkUrl('../c', allowed, base);
    expect(relative.ok && relative.target.url.href).toBe('https://api.tutor.example/c');
    expect(checkUrl('http://api.tutor.example/c', allowed, base)).toEqual({
      ok: false,
      message: 'Redirect from https to http refused',
    });
    const upgrade = checkUrl('https://api.tutor.example/c', allowed, new URL('http://api.tutor.example/'));
    expect(upgrade.ok).toBe(true);
  });

  it('refuses every URL when nothing is allowed', () => {
    const verdict = checkUrl('https://api.tutor.example/', []);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.message).toContain('TUTOR_DATA_ALLOWED_HOSTS');
  });
});

describe('isAllowedHost', () => {
  it('matches exact names, and wildcards below their suffix only', () => {
    expect(isAllowedHost('api.tutor.example', allowed)).toBe(true);
    expect(isAllowedHost('a.cdn.example.com', allowed)).toBe(true);
    expect(isAllowedHost('a.b.cdn.example.com', allowed)).toBe(true);
    expect(isAllowedHost('cdn.example.com', allowed)).toBe(false);
    expect(isAllowedHost('evilcdn.example.com', allowed)).toBe(false);
    expect(isAllowedHost('x.api.tutor.example', allowed)).toBe(false);
  });
});
