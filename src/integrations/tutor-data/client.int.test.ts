import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturedLogs } from '../../../test/harness.js';
import {
  admitting,
  json,
  page,
  redirect,
  resolving,
  type SourceHandler,
  startHttpSource,
  type TestHttpSource,
} from '../../../test/http-source.js';
import { createLogger } from '../../lib/logger.js';
import { createTutorDataClient, type TutorDataClientOptions } from './client.js';
import type { FetchFailure, FetchOutcome } from './types.js';

/**
 * The fetcher against real local servers. `source` (127.0.0.1) stands for an outside tutor data source and
 * is the one address the tests admit; `internal` (127.0.0.2) stands for a service inside our network that
 * must never be reached. Host names under tutor.test exist only in the test's resolver, so a request that
 * reaches a server at all proves the connection used the address that was checked.
 */

let source: TestHttpSource;
let internal: TestHttpSource;
let logs: CapturedLogs;

beforeAll(async () => {
  source = await startHttpSource('127.0.0.1');
  internal = await startHttpSource('127.0.0.2');
  internal.route('/secret', json({ secret: 'internal only' }));
});
afterAll(async () => {
  await source.close();
  await internal.close();
});

const LESSON = { id: 'l1', title: 'Greetings', language: 'es', level: 'beginner' };

const names = () =>
  resolving({
    'data.tutor.test': ['127.0.0.1'],
    'other.tutor.test': ['127.0.0.1'],
    'internal.tutor.test': ['127.0.0.2'],
  });

function client(options: Partial<TutorDataClientOptions> = {}) {
  logs = new CapturedLogs();
  return createTutorDataClient({
    allowedHosts: ['*.tutor.test'],
    maxBytes: 10_000,
    maxTimeoutMs: 5_000,
    log: createLogger({ level: 'debug', env: 'test', destination: logs }),
    resolve: names(),
    addressPolicy: admitting('127.0.0.1'),
    backoff: { initialDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
}

const at = (path: string, host = 'data.tutor.test') => `${source.origin(host)}${path}`;

function failureOf(outcome: FetchOutcome): FetchFailure {
  if (outcome.ok) return expect.fail(`expected a failure, got a document from ${outcome.document.url}`);
  return outcome.failure;
}

let paths = 0;
/** A path of its own for each test, so hit counts never mix. */
const fresh = (name: string) => `/${name}-${++paths}`;

describe('tutor data fetcher', () => {
  it('fetches from an allowed host, connecting to the address it checked', async () => {
    const path = fresh('lesson.json');
    source.route(path, json(LESSON));
    const outcome = await client().fetch({ url: at(path), timeoutMs: 5_000 });

    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.document).toMatchObject({
      url: at(path),
      status: 200,
      contentType: 'application/json; charset=utf-8',
    });
    expect(JSON.parse(outcome.document.body.toString('utf8'))).toEqual(LESSON);
    const headers = source.lastHeaders(path)!;
    expect(headers.host).toBe(`data.tutor.test:${source.port}`);
    expect(headers.accept).toBe('application/json, text/html, text/plain, */*');
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ msg: 'tutor data fetched', host: `data.tutor.test:${source.port}` }),
    );
  });

  it('resolves once per request and never again when connecting (no DNS rebinding)', async () => {
    const path = fresh('rebind');
    source.route(path, page('<title>Outside</title>'));
    internal.route(path, page('<title>Inside</title>'));
    let lookups = 0;
    // Answers the admitted address once, then an internal one, as a rebinding attacker's DNS would.
    const rebinding = async () => [
      { address: lookups++ === 0 ? '127.0.0.1' : '127.0.0.2', family: 4 as const },
    ];
    const outcome = await client({ resolve: rebinding }).fetch({
      url: at(path, 'rebind.tutor.test'),
      timeoutMs: 5_000,
    });

    expect(outcome.ok && outcome.document.body.toString()).toBe('<title>Outside</title>');
    expect(lookups).toBe(1);
    expect(internal.hits(path)).toBe(0);
  });

  describe('refuses, before connecting, a host that resolves to', () => {
    // The production policy: nothing is admitted, not even the test's own source.
    it.each([
      ['private', '10.1.2.3'],
      ['private', '172.16.5.4'],
      ['private', '192.168.1.1'],
      ['loopback', '127.0.0.1'],
      ['loopback', '::1'],
      ['link-local', '169.254.169.254'],
      ['link-local', 'fe80::1'],
      ['unique-local', 'fd12:3456::1'],
      ['shared', '100.64.0.1'],
      ['unspecified', '0.0.0.0'],
      ['loopback', '::ffff:127.0.0.1'],
      ['loopback', '::ffff:7f00:1'],
      ['private', '::ffff:10.0.0.1'],
      ['link-local', '::ffff:169.254.169.254'],
    ])('a %s address (%s)', async (addressClass, address) => {
      const path = fresh('refused');
      source.route(path, json(LESSON));
      const resolve = resolving({ 'data.tutor.test': [address] });
      const failure = failureOf(
        await client({ resolve, addressPolicy: undefined, maxTimeoutMs: 2_000 }).fetch({
          url: at(path),
          timeoutMs: 2_000,
        }),
      );

      expect(failure).toEqual({
        kind: 'refused',
        message: `Host data.tutor.test resolves to a ${addressClass} address`,
      });
      expect(source.hits(path)).toBe(0);
      expect(logs.lines).toContainEqual(
        expect.objectContaining({ level: 'warn', msg: 'tutor data fetch refused', reason: failure.message }),
      );
    });

    it('any refused address among several public ones', async () => {
      const resolve = resolving({ 'data.tutor.test': ['93.184.216.34', '10.0.0.1'] });
      const failure = failureOf(
        await client({ resolve, addressPolicy: undefined, maxTimeoutMs: 2_000 }).fetch({
          url: at('/x'),
          timeoutMs: 2_000,
        }),
      );
      expect(failure.message).toBe('Host data.tutor.test resolves to a private address');
    });
  });

  it.each([
    ['dotted', '127.0.0.1'],
    ['decimal', '2130706433'],
    ['octal', '0177.0.0.1'],
    ['hexadecimal', '0x7f000001'],
    ['short', '127.1'],
  ])('refuses a loopback IP literal spelled %s, even when it is allowlisted', async (_spelling, host) => {
    const path = fresh('literal');
    source.route(path, json(LESSON));
    const failure = failureOf(
      await client({ allowedHosts: ['127.0.0.1'], addressPolicy: undefined }).fetch({
        url: `http://${host}:${source.port}${path}`,
        timeoutMs: 2_000,
      }),
    );
    expect(failure).toEqual({ kind: 'refused', message: 'Address 127.0.0.1 is a loopback address' });
    expect(source.hits(path)).toBe(0);
  });

  it('refuses an IPv4-mapped IPv6 literal as the IPv4 address it carries', async () => {
    const failure = failureOf(
      await client({ allowedHosts: ['::ffff:7f00:1'], addressPolicy: undefined }).fetch({
        url: `http://[::ffff:127.0.0.1]:${source.port}/`,
        timeoutMs: 2_000,
      }),
    );
    expect(failure).toEqual({ kind: 'refused', message: 'Address ::ffff:7f00:1 is a loopback address' });
  });

  it('refuses a host that is not on the allowlist without resolving it', async () => {
    const resolve = names();
    const failure = failureOf(
      await client({ resolve }).fetch({ url: 'http://evil.example/x', timeoutMs: 2_000 }),
    );
    expect(failure).toEqual({ kind: 'refused', message: 'Host evil.example is not on the allowlist' });
    expect(resolve.lookups.size).toBe(0);
  });

  it.each([
    'file:///etc/passwd',
    'ftp://data.tutor.test/lesson.json',
    'gopher://data.tutor.test/',
    'data:text/plain,hello',
  ])('refuses a non-http scheme: %s', async (url) => {
    const failure = failureOf(await client().fetch({ url, timeoutMs: 2_000 }));
    expect(failure).toEqual({ kind: 'refused', message: 'Only http and https URLs can be fetched' });
  });

  it('refuses everything while the allowlist is empty, saying how to enable it', async () => {
    const failure = failureOf(await client({ allowedHosts: [] }).fetch({ url: at('/x'), timeoutMs: 2_000 }));
    expect(failure.kind).toBe('refused');
    expect(failure.message).toContain('TUTOR_DATA_ALLOWED_HOSTS');
  });

  it('refuses a URL carrying credentials', async () => {
    const failure = failureOf(
      await client().fetch({ url: `http://user:pw@data.tutor.test:${source.port}/x`, timeoutMs: 2_000 }),
    );
    expect(failure.message).toBe('URLs with credentials cannot be fetched');
  });

  it('reports a host that does not resolve as a network failure (status 0)', async () => {
    const failure = failureOf(await client().fetch({ url: 'http://missing.tutor.test/x', timeoutMs: 2_000 }));
    expect(failure).toEqual({
      kind: 'network',
      message: 'Could not resolve host missing.tutor.test',
      status: 0,
    });
  });

  describe('redirects', () => {
    it('follows one to an allowed host, checked like the first URL', async () => {
      const start = fresh('start');
      const target = fresh('target');
      source.route(start, redirect(at(target, 'other.tutor.test'), 301));
      source.route(target, json(LESSON));
      const outcome = await client().fetch({ url: at(start), timeoutMs: 5_000 });
      expect(outcome.ok && outcome.document.url).toBe(at(target, 'other.tutor.test'));
    });

    it('refuses one to a private address and never reaches it', async () => {
      const start = fresh('to-internal');
      source.route(start, redirect(`${internal.origin('internal.tutor.test')}/secret`));
      const before = internal.hits('/secret');
      const failure = failureOf(await client().fetch({ url: at(start), timeoutMs: 5_000 }));

      expect(failure).toEqual({
        kind: 'refused',
        message: 'Host internal.tutor.test resolves to a loopback address',
      });
      expect(internal.hits('/secret')).toBe(before);
      expect(source.hits(start)).toBe(1);
    });

    it('refuses one to the cloud metadata address, even when allowlisted', async () => {
      const start = fresh('to-metadata');
      source.route(start, redirect('http://169.254.169.254/latest/meta-data/'));
      const failure = failureOf(
        await client({ allowedHosts: ['*.tutor.test', '169.254.169.254'] }).fetch({
          url: at(start),
          timeoutMs: 5_000,
        }),
      );
      expect(failure).toEqual({
        kind: 'refused',
        message: 'Address 169.254.169.254 is a link-local address',
      });
    });

    it('refuses one to a host that is not on the allowlist', async () => {
      const start = fresh('to-evil');
      source.route(start, redirect('http://evil.example/steal'));
      const failure = failureOf(await client().fetch({ url: at(start), timeoutMs: 5_000 }));
      expect(failure).toEqual({ kind: 'refused', message: 'Host evil.example is not on the allowlist' });
    });

    it('stops after five', async () => {
      const loop = fresh('loop');
      source.route(loop, redirect(loop, 307));
      const failure = failureOf(await client().fetch({ url: at(loop), timeoutMs: 5_000 }));
      expect(failure).toEqual({ kind: 'refused', message: 'Too many redirects' });
      expect(source.hits(loop)).toBe(6);
    });
  });

  describe('size cap', () => {
    it('accepts a body of exactly the cap', async () => {
      const path = fresh('exact');
      source.route(path, page('x'.repeat(10_000), 'text/plain'));
      const outcome = await client().fetch({ url: at(path), timeoutMs: 5_000 });
      expect(outcome.ok && outcome.document.body.length).toBe(10_000);
    });

    it('refuses a declared length over the cap before reading the body', async () => {
      const path = fresh('declared');
      // Declares a gigabyte and sends a few bytes: waiting for the body would end in a timeout.
      source.route(path, (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(10 ** 9) });
        response.write('the start of a very long body');
      });
      const failure = failureOf(await client().fetch({ url: at(path), timeoutMs: 2_000 }));
      expect(failure).toEqual({ kind: 'too_large', message: 'Response larger than 10000 bytes' });
    });

    it('refuses a body one byte over the cap', async () => {
      const path = fresh('over');
      source.route(path, page('x'.repeat(10_001), 'text/plain'));
      const failure = failureOf(await client().fetch({ url: at(path), timeoutMs: 5_000 }));
      expect(failure.kind).toBe('too_large');
    });

    it('cuts off a streamed body once it passes the cap', async () => {
      const path = fresh('streamed');
      let written = 0;
      let closed = false;
      source.route(path, (request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        request.socket.on('close', () => {
          closed = true;
        });
        // No Content-Length: chunked, and it would go on for 10 MB.
        const pump = () => {
          while (written < 10_000_000 && !closed) {
            written += 4_096;
            if (!response.write('y'.repeat(4_096))) return void response.once('drain', pump);
          }
          response.end();
        };
        pump();
      });
      const failure = failureOf(await client().fetch({ url: at(path), timeoutMs: 5_000 }));
      expect(failure.kind).toBe('too_large');
      await expect.poll(() => closed).toBe(true);
      expect(written).toBeLessThan(10_000_000);
    });

    it('refuses a compressed body it did not ask for', async () => {
      const path = fresh('gzip');
      source.route(path, (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
        response.end('not really gzip');
      });
      const failure = failureOf(await client().fetch({ url: at(path), timeoutMs: 5_000 }));
      expect(failure).toEqual({ kind: 'bad_response', message: 'Unsupported content encoding' });
    });
  });

  describe('timeout', () => {
    it('gives up on a server that does not answer, as a 408', async () => {
      const path = fresh('hang');
      source.route(path, () => {});
      const started = Date.now();
      const failure = failureOf(await client().fetch({ url: at(path), timeoutMs: 300 }));
      expect(failure).toEqual({ kind: 'timeout', message: 'Request timeout', status: 408 });
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('caps the caller’s timeout at the configured maximum', async () => {
      const path = fresh('hang-long');
      source.route(path, () => {});
      const started = Date.now();
      const failure = failureOf(
        await client({ maxTimeoutMs: 300 }).fetch({ url: at(path), timeoutMs: 120_000 }),
      );
      expect(failure.kind).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('gives up on a body that stalls halfway', async () => {
      const path = fresh('stall');
      source.route(path, (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
        response.write('only half');
      });
      const failure = failureOf(await client().fetch({ url: at(path), timeoutMs: 300 }));
      expect(failure.kind).toBe('timeout');
    });

    it('stops when the caller aborts', async () => {
      const path = fresh('abort');
      source.route(path, () => {});
      const failure = failureOf(
        await client().fetch({ url: at(path), timeoutMs: 5_000, signal: AbortSignal.timeout(200) }),
      );
      expect(failure.kind).toBe('timeout');
    });
  });

  describe('retries and circuit breaker', () => {
    /** Fails the first `failures` requests with `fail`, then answers the lesson. */
    const flaky = (failures: number, fail: SourceHandler): SourceHandler => {
      let seen = 0;
      return (request, response) => (++seen <= failures ? fail : json(LESSON))(request, response);
    };

    it('retries 5xx answers with backoff, then succeeds', async () => {
      const path = fresh('flaky');
      source.route(path, flaky(2, json({ error: 'busy' }, 503)));
      const outcome = await client().fetch({ url: at(path), timeoutMs: 5_000 });
      expect(outcome.ok).toBe(true);
      expect(source.hits(path)).toBe(3);
      expect(logs.lines.filter((line) => line.msg === 'tutor data fetch retry')).toHaveLength(2);
    });

    it('retries a connection the server drops', async () => {
      const path = fresh('reset');
      source.route(
        path,
        flaky(2, (request) => request.socket.destroy()),
      );
      const outcome = await client().fetch({ url: at(path), timeoutMs: 5_000 });
      expect(outcome.ok).toBe(true);
      expect(source.hits(path)).toBe(3);
    });

    it('gives up after three retries, reporting the last status', async () => {
      const path = fresh('down');
      source.route(path, json({ error: 'down' }, 500));
      const failure = failureOf(await client().fetch({ url: at(path), timeoutMs: 5_000 }));
      expect(failure).toEqual({ kind: 'status', message: 'HTTP 500', status: 500 });
      expect(source.hits(path)).toBe(4);
    });

    it('does not retry a 4xx', async () => {
      const path = fresh('missing');
      source.route(path, json({ error: 'no' }, 404));
      const failure = failureOf(await client().fetch({ url: at(path), timeoutMs: 5_000 }));
      expect(failure).toEqual({ kind: 'status', message: 'HTTP 404', status: 404 });
      expect(source.hits(path)).toBe(1);
    });

    it('opens the circuit of a failing origin only, then fails fast without connecting', async () => {
      const path = fresh('broken');
      source.route(path, json({ error: 'down' }, 502));
      const fetcher = client({ retries: 0, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } });
      for (let attempt = 0; attempt < 2; attempt++) {
        expect(failureOf(await fetcher.fetch({ url: at(path), timeoutMs: 5_000 })).status).toBe(502);
      }
      const failure = failureOf(await fetcher.fetch({ url: at(path), timeoutMs: 5_000 }));
      expect(failure).toEqual({ kind: 'unavailable', message: 'data.tutor.test is temporarily unavailable' });
      expect(source.hits(path)).toBe(2);
      expect(logs.lines).toContainEqual(
        expect.objectContaining({ level: 'error', msg: 'tutor data circuit opened: fetches fail fast' }),
      );

      // Another origin (same server, another name) still has a closed circuit.
      await fetcher.fetch({ url: at(path, 'other.tutor.test'), timeoutMs: 5_000 });
      expect(source.hits(path)).toBe(3);
    });
  });
});
