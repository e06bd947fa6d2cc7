import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** An error event as it arrived: the fields the tests read. */
export interface SentryEvent {
  event_id: string;
  release?: string;
  environment?: string;
  server_name?: string;
  tags?: Record<string, string>;
  contexts?: Record<string, Record<string, unknown>>;
  exception?: { values?: { type?: string; value?: string }[] };
  [field: string]: unknown;
}

/**
 * A local stand-in for Sentry's ingest: accepts `POST /api/<project>/envelope/`, keeps each envelope as
 * received (for "this never appears anywhere" checks) and the error events in them.
 */
export interface SentrySink {
  /** A DSN pointing here, for SENTRY_DSN. */
  dsn: string;
  /** Every envelope's text, in arrival order. */
  readonly raw: string[];
  /** The `event` items of those envelopes. */
  readonly events: SentryEvent[];
  /** Forgets what arrived so far. */
  reset(): void;
  close(): Promise<void>;
}

export async function startSentrySink(): Promise<SentrySink> {
  const raw: string[] = [];
  const events: SentryEvent[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || !/^\/api\/\d+\/envelope\/(\?|$)/.test(request.url ?? '')) {
        response.writeHead(404).end();
        return;
      }
      const body = Buffer.concat(chunks);
      const text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString(
        'utf8',
      );
      raw.push(text);
      for (const item of itemsOf(text)) if (item.type === 'event') events.push(item.payload as SentryEvent);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    raw,
    events,
    reset() {
      raw.length = 0;
      events.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * The items of an envelope: a header line, then per item a header line and its payload, which is one
 * line, or `length` bytes when the item header gives a length.
 */
function itemsOf(text: string): { type: string; payload: unknown }[] {
  const bytes = Buffer.from(text, 'utf8');
  const items: { type: string; payload: unknown }[] = [];
  let offset = bytes.indexOf('\n') + 1;
  while (offset > 0 && offset < bytes.length) {
    const headerEnd = bytes.indexOf('\n', offset);
    const header = JSON.parse(bytes.subarray(offset, headerEnd).toString('utf8')) as {
      type: string;
      length?: number;
    };
    const start = headerEnd + 1;
    const lineEnd = bytes.indexOf('\n', start);
    const size = header.length ?? (lineEnd === -1 ? bytes.length : lineEnd) - start;
    items.push({
      type: header.type,
      payload: JSON.parse(bytes.subarray(start, start + size).toString('utf8')),
    });
    offset = start + size + 1;
  }
  return items;
}
