import type { ResponseHeaders } from '../../lib/request-context.js';

export interface SecurityHeadersOptions {
  /** Adds Strict-Transport-Security (production, behind TLS). */
  hsts: boolean;
}

/**
 * The API serves JSON only, so its policy forbids everything a browser could do with a response: no
 * scripts, frames, plugins or form targets. HTML pages get their own strict policy by path prefix
 * (EdgeOptions.contentSecurityPolicy in edge.ts; a handler's own Content-Security-Policy header is also kept).
 */
export const API_CONTENT_SECURITY_POLICY =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The API documentation page (/api/docs): its script, style sheet and the OpenAPI document come from this
 * origin only; nothing inline, nothing from elsewhere. Images and fonts may also be data: URLs (the UI's
 * icons are inlined in its style sheet).
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * The admin console's own policy: its scripts and styles come from this origin only (no inline code, no
 * CDN), it talks only to this API, and no other site may frame it. Set by the edge for the /admin prefix.
 */
export const ADMIN_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

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
