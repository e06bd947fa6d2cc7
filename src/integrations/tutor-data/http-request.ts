import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/** A URL whose host was checked and resolved: the connection goes to `address` and nowhere else. */
export interface PinnedTarget {
  url: URL;
  /** Host name (or IP literal) for the Host header and TLS name checks. */
  host: string;
  address: string;
  family: 4 | 6;
}

/** What one GET came back with. Only network failures and aborts reject. */
export type HopResult =
  | { type: 'redirect'; status: number; location: string }
  | { type: 'document'; status: number; contentType: string; body: Buffer }
  | { type: 'status'; status: number }
  | { type: 'too_large' }
  | { type: 'bad_response'; message: string };

export interface HopOptions {
  maxBytes: number;
  signal: AbortSignal;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ACCEPT = 'application/json, text/html, text/plain, */*';
const USER_AGENT = 'Linguamate-TutorData/1.0';

/**
 * One GET to a pinned address, without following redirects. The connection is made to `target.address`
 * through a lookup that answers only that address, so the host is never resolved again between the check
 * and the connect (no DNS rebinding). No connection is reused (`agent: false`). The body is read only for
 * a 2xx answer, and only up to `maxBytes`: a larger declared length is refused before reading, a larger
 * body is cut off while it streams.
 */
export function requestOnce(target: PinnedTarget, options: HopOptions): Promise<HopResult> {
  const transport = target.url.protocol === 'https:' ? https : http;
  return new Promise<HopResult>((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      finish();
    };
    const request = transport.request(
      {
        protocol: target.url.protocol,
        hostname: target.host,
        port: target.url.port || undefined,
        path: `${target.url.pathname}${target.url.search}`,
        method: 'GET',
        headers: { accept: ACCEPT, 'accept-encoding': 'identity', 'user-agent': USER_AGENT },
        lookup: pinnedLookup(target.address, target.family),
        agent: false,
        signal: options.signal,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const finishEarly = (result: HopResult) => {
          response.destroy();
          settle(() => resolve(result));
        };
        const location = response.headers.location;
        if (REDIRECT_STATUSES.has(status) && location)
          return finishEarly({ type: 'redirect', status, location });
        if (status < 200 || status > 299) return finishEarly({ type: 'status', status });
        const encoding = response.headers['content-encoding'];
        if (encoding && encoding.toLowerCase() !== 'identity') {
          return finishEarly({ type: 'bad_response', message: 'Unsupported content encoding' });
        }
        if (Number(response.headers['content-length'] ?? 0) > options.maxBytes) {
          return finishEarly({ type: 'too_large' });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) return finishEarly({ type: 'too_large' });
          chunks.push(chunk);
        });
        response.on('end', () =>
          settle(() =>
            resolve({
              type: 'document',
              status,
              contentType: response.headers['content-type'] ?? '',
              body: Buffer.concat(chunks),
            }),
          ),
        );
        response.on('error', (error) => settle(() => reject(error)));
        // A body cut short (the peer closed, or our abort) ends in 'close' without 'end'.
        response.on('close', () => {
          if (!response.complete) settle(() => reject(options.signal.reason ?? connectionClosed()));
        });
      },
    );
    request.on('error', (error) => settle(() => reject(error)));
    request.end();
  });
}

/** Answers every lookup with the address that was checked, whatever name is asked for. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function connectionClosed(): Error {
  return Object.assign(new Error('Connection closed before the body was complete'), { code: 'ECONNRESET' });
}
