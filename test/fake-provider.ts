import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A real HTTP server that speaks the OpenAI-compatible API (chat completions, streamed or not,
 * transcriptions, image generation and edits) and can be told to misbehave: slow answers, statuses with
 * Retry-After, malformed JSON, a stream cut midway, a dropped connection, or no answer at all. Tests and
 * `bench:ai` point the service at it; nothing here touches the service's own modules.
 */
export type FakeBehaviour =
  | { kind: 'ok'; delayMs?: number }
  | { kind: 'status'; status: number; retryAfter?: string; delayMs?: number }
  | { kind: 'malformed' }
  /** A streamed reply that stops after this many chunks, without `[DONE]`, by closing the socket. */
  | { kind: 'cut-stream'; afterChunks: number }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** Closes the connection without answering. */
  | { kind: 'drop' };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** A JSON body, parsed. */
  json?: Record<string, unknown>;
  /** Multipart fields (text values only) and files. */
  fields?: Record<string, string[]>;
  files?: { field: string; name: string; type: string; size: number }[];
  /** `performance.now()` when the request arrived. */
  at: number;
}

export interface FakeProvider {
  /** The base URL to configure, ending in `/v1`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The next requests' behaviours, in order; later requests get the default. */
  queue(...behaviours: FakeBehaviour[]): void;
  setDefault(behaviour: FakeBehaviour): void;
  /** The assistant's text for a chat request (default: a fixed greeting). */
  reply: (request: RecordedRequest) => string;
  /** What a transcription answers. */
  transcript: { text: string; language?: string; words?: { word: string; start: number; end: number }[] };
  /** Pause between streamed chunks. */
  chunkDelayMs: number;
  /** Forgets recorded requests and queued behaviours, and answers as it did when it started. */
  reset(): void;
  close(): Promise<void>;
}

/** 1×1 transparent PNG. */
export const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const defaults = () => ({
  reply: (_request: RecordedRequest) => '¡Hola! ¿Cómo estás?',
  transcript: { text: 'hola buenos días', language: 'es' } as FakeProvider['transcript'],
  chunkDelayMs: 5,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface FakeProviderOptions {
  /** Keep every request in `requests` (default true; a benchmark turns it off). */
  keepRequests?: boolean;
  /** Default: any free port. */
  port?: number;
  /**
   * Serve `GET /health` and `POST /control` (a JSON `FakeBehaviour` becomes the default), so that another
   * process (a benchmark) can change how the provider behaves.
   */
  control?: boolean;
}

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const keepRequests = options.keepRequests ?? true;
  const sockets = new Set<Socket>();
  const pending: FakeBehaviour[] = [];
  let fallback: FakeBehaviour = { kind: 'ok' };

  const fake: FakeProvider = {
    url: '',
    requests: [],
    queue: (...behaviours) => pending.push(...behaviours),
    setDefault: (behaviour) => {
      fallback = behaviour;
    },
    ...defaults(),
    reset() {
      fake.requests.length = 0;
      pending.length = 0;
      fallback = { kind: 'ok' };
      Object.assign(fake, defaults());
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer((request, response) => {
    void handle(request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const at = performance.now();
    const body = await readBody(request);
    if (options.control && request.url === '/health') return sendJson(response, { ok: true });
    if (options.control && request.url === '/control') {
      fallback = JSON.parse(body.toString('utf8')) as FakeBehaviour;
      return sendJson(response, { ok: true });
    }
    const recorded = await record(request, body, at);
    if (keepRequests) fake.requests.push(recorded);
    const behaviour = pending.shift() ?? fallback;

    if (behaviour.kind === 'hang') return;
    if (behaviour.kind === 'drop') {
      request.socket.destroy();
      return;
    }
    if ('delayMs' in behaviour && behaviour.delayMs) await sleep(behaviour.delayMs);
    if (behaviour.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (behaviour.retryAfter !== undefined) headers['retry-after'] = behaviour.retryAfter;
      response.writeHead(behaviour.status, headers);
      response.end(JSON.stringify({ error: { message: `fake ${behaviour.status}`, type: 'fake_error' } }));
      return;
    }
    if (behaviour.kind === 'malformed') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"choices": [ {"message": ');
      return;
    }

    const path = recorded.path.replace(/^\/v1/, '');
    if (path === '/chat/completions') {
      const text = fake.reply(recorded);
      if (recorded.json?.stream === true) {
        await streamChat(response, text, behaviour.kind === 'cut-stream' ? behaviour.afterChunks : undefined);
      } else {
        sendJson(response, {
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          model: recorded.json?.model ?? 'fake',
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        });
      }
      return;
    }
    if (path === '/audio/transcriptions') {
      const words =
        fake.transcript.words ??
        fake.transcript.text.split(/\s+/).map((word, index) => ({ word, start: index, end: index + 0.8 }));
      sendJson(response, {
        text: fake.transcript.text,
        language: fake.transcript.language ?? 'en',
        duration: words.length,
        words: words.map((word) => ({ ...word, probability: 0.9 })),
        segments: [{ avg_logprob: -0.1 }],
      });
      return;
    }
    if (path === '/images/generations' || path === '/images/edits') {
      sendJson(response, { created: 0, data: [{ b64_json: TINY_PNG_BASE64 }], output_format: 'png' });
      return;
    }
    sendJson(response, { error: { message: 'not found' } }, 404);
  }

  async function streamChat(response: ServerResponse, text: string, cutAfter: number | undefined) {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const chunks = text.match(/.{1,4}/gsu) ?? [];
    for (const [index, chunk] of chunks.entries()) {
      if (cutAfter !== undefined && index >= cutAfter) {
        response.socket?.destroy();
        return;
      }
      const event = { id: 'chatcmpl-fake', choices: [{ index: 0, delta: { content: chunk } }] };
      response.write(`data: ${JSON.stringify(event)}\n\n`);
      if (fake.chunkDelayMs > 0) await sleep(fake.chunkDelayMs);
    }
    if (cutAfter !== undefined) {
      response.socket?.destroy();
      return;
    }
    response.write('data: [DONE]\n\n');
    response.end();
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  (fake as { url: string }).url = `http://127.0.0.1:${port}/v1`;
  return fake;
}

function sendJson(response: ServerResponse, body: unknown, status = 200) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function record(request: IncomingMessage, body: Buffer, at: number): Promise<RecordedRequest> {
  const recorded: RecordedRequest = {
    method: request.method ?? 'GET',
    path: request.url ?? '/',
    headers: request.headers,
    at,
  };
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    try {
      recorded.json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      recorded.json = {};
    }
  } else if (type.startsWith('multipart/form-data')) {
    const form = await new Response(body, { headers: { 'content-type': type } }).formData();
    recorded.fields = {};
    recorded.files = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') recorded.fields[field] = [...(recorded.fields[field] ?? []), value];
      else recorded.files.push({ field, name: value.name, type: value.type, size: value.size });
    }
  }
  return recorded;
}
