import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../test/free-port.js';
import { projectRoot } from '../project-root.js';

/**
 * Tracing end to end: the service started as `npm start` starts it (src/main.ts, tracing on before the
 * service loads), a local OTLP/HTTP receiver standing in for the collector, and a request that joins a
 * trace through its `traceparent`. The spans, the log lines and the error body must all carry that id.
 */

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';

let receiver: Server;
const spans: ReceivedSpan[] = [];
let child: ChildProcess;
let output = '';
let base: string;
let dataDir: string;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: { scopeSpans: { spans: ReceivedSpan[] }[] }[];
        };
        for (const resource of body.resourceSpans)
          for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const collector = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'linguamate-tracing-'));
  const databaseUrl = inject('databaseUrl');
  // No REDIS_URL: its sign-in counters would be shared with the rest of the run (same address, same keys).
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ACCESS_LOG: 'all',
      DATA_DIR: dataDir,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      OTEL_EXPORTER_OTLP_ENDPOINT: collector,
      OTEL_TRACES_SAMPLER_ARG: '0',
      TRACE_TRUSTED_CALLERS: 'loopback',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  await until(
    async () => (await fetch(`${base}/api/health/ready`).catch(() => null))?.status === 200,
    90_000,
  );
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await new Promise((resolve) => receiver?.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a request joining a trace', () => {
  it('is traced under the caller’s trace id, pg included, and its logs and error carry the id', async () => {
    // Sampling ratio 0: only the caller's sampled decision can record this trace.
    const response = await fetch(`${base}/api/trpc/auth.login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`,
      },
      body: JSON.stringify({ json: { email: 'nobody-traced@example.com', password: 'wrong-password-1' } }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as {
      error: { json: { data: { traceId: string; requestId: string } } };
    };
    expect(body.error.json.data.traceId).toBe(TRACE_ID);
    const requestId = body.error.json.data.requestId;

    await until(
      () => spans.some((span) => span.traceId === TRACE_ID && span.name.startsWith('POST ')),
      20_000,
    );
    const traced = spans.filter((span) => span.traceId === TRACE_ID);
    // Named by the route label (route-labels.ts), never the raw path.
    const server = traced.find((span) => span.name === 'POST trpc:auth.login');
    expect(server?.parentSpanId).toBe(PARENT_SPAN_ID);
    const procedure = traced.find((span) => span.name === 'trpc auth.login');
    expect(procedure?.parentSpanId).toBe(server?.spanId);
    const database = traced.filter(
      (span) => (attribute(span, 'db.system.name') ?? attribute(span, 'db.system')) === 'postgresql',
    );
    // Embedded PGlite is no pg client: only a run against PostgreSQL has statements to trace.
    if (inject('databaseUrl')) expect(database.length).toBeGreaterThan(0);
    // Statements without their values: the email looked up is not in any span.
    expect(JSON.stringify(traced)).not.toContain('nobody-traced@example.com');

    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.requestId === requestId);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.traceId).toBe(TRACE_ID);
  });

  it('starts a trace of its own, unsampled at ratio 0, without a traceparent', async () => {
    const response = await fetch(`${base}/api/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { email: 'nobody-else@example.com', password: 'wrong-password-1' } }),
    });
    const body = (await response.json()) as { error: { json: { data: { traceId: string } } } };
    const traceId = body.error.json.data.traceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe(TRACE_ID);
    await sleep(2_500);
    expect(spans.filter((span) => span.traceId === traceId)).toEqual([]);
  });
});

function attribute(span: ReceivedSpan, key: string): unknown {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out; service output:\n${output.slice(-3_000)}`);
    await sleep(100);
  }
}
