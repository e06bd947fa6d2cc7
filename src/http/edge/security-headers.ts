import type { ResponseHeaders } from '../../lib/request-context.js';

export interface SecurityHeadersOptions {
  /** Adds Strict-Transport-Security (production, behind TLS). */
  hsts: boolean;
}

/**
 * The API serves JSON only, so its policy forbids everything a browser could do with a response: no
 * scripts, frames, plugins or form targets. HTML pages, if any are ever served, must set their own strict
 * policy with nonces (a handler's own Content-Security-Policy header is kept; see edge.ts).
 */
export const API_CONTENT_SECURITY_POLICY =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const PERMISSIONS_POLICY =
  'accelerometer=(), camera=(), geolocation=(), gyroscope=(), microphone=(), payment=(), usb=()';

/**
 * Returns the factory of a request's response headers: the security headers every answer carries, errors
 * and 404s included, plus the correlation id. No X-Frame-Options: CSP frame-ancestors supersedes it in
 * every browser that matters. Each object is built by one object literal, written out twice (with and
 * without HSTS) rather than copied from a template: V8 gives a literal a fixed shape that the header
 * writer walks cheaply, and this runs on every request.
 */
export function createResponseHeaders(
  options: SecurityHeadersOptions,
): (requestId: string) => ResponseHeaders {
  if (options.hsts) {
    return (requestId) => ({
      'x-correlation-id': requestId,
      'content-security-policy': API_CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'permissions-policy': PERMISSIONS_POLICY,
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
    });
  }
  return (requestId) => ({
    'x-correlation-id': requestId,
    'content-security-policy': API_CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': PERMISSIONS_POLICY,
  });
}
