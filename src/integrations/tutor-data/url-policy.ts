/**
 * Which URLs an outbound fetch may request, before any address is looked up: http and https only, no
 * credentials in the URL, no step down from https to http on a redirect, and a host on the allowlist.
 */

/** A URL that passed the checks, with its host as a bare name or IP (no brackets, no trailing dot). */
export interface AllowedUrl {
  url: URL;
  host: string;
}

export type UrlVerdict = { ok: true; target: AllowedUrl } | { ok: false; message: string };

/**
 * Checks `raw` (relative to `base` for a redirect's Location) against the allowlist. `allowedHosts` holds
 * normalised host names and `*.suffix` patterns (config/env.ts). Messages are safe to return to the caller.
 */
export function checkUrl(raw: string, allowedHosts: readonly string[], base?: URL): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return { ok: false, message: 'Invalid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: 'Only http and https URLs can be fetched' };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, message: 'URLs with credentials cannot be fetched' };
  }
  if (base?.protocol === 'https:' && url.protocol === 'http:') {
    return { ok: false, message: 'Redirect from https to http refused' };
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (allowedHosts.length === 0) {
    return {
      ok: false,
      message: 'Fetching tutor data is not enabled: no host is allowed (TUTOR_DATA_ALLOWED_HOSTS)',
    };
  }
  if (!isAllowedHost(host, allowedHosts)) {
    return { ok: false, message: `Host ${host} is not on the allowlist` };
  }
  return { ok: true, target: { url, host } };
}

/** Exact names match themselves; `*.example.com` matches every name below example.com, not itself. */
export function isAllowedHost(host: string, allowedHosts: readonly string[]): boolean {
  return allowedHosts.some((pattern) =>
    pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern,
  );
}
