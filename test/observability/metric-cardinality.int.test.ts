import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService } from '../../src/service.js';
import { CapturedLogs, testEnv, unique } from '../harness.js';

/**
 * Label values must come from closed lists (route patterns, procedure names, outcomes, policies), never
 * from what a caller sends: one series per raw path, id or email would grow Prometheus without bound. A
 * fuzz-like run sends requests whose every caller-chosen part carries a random marker (unknown paths and
 * procedures, ids in paths, bad inputs, sign-ins with new emails, odd methods), three times with new
 * markers; then no marker may appear on /metrics, and a third round may add no series.
 */
let dataDir: string;
let service: RunningService;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'linguamate-cardinality-'));
  service = await startService(
    testEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ACCESS_LOG: 'off' }),
    { logDestination: new CapturedLogs(), jobs: { prefix: unique('jobs') } },
  );
});
afterAll(async () => {
  await service?.stop('test done');
  await rm(dataDir, { recursive: true, force: true });
});

/** One round of hostile traffic; every value the caller picks contains `marker`. */
async function fuzz(marker: string): Promise<void> {
  const base = service.url;
  const ip = () => `10.${randomByte()}.${randomByte()}.${randomByte()}`;
  const requests: Promise<unknown>[] = [];
  const send = (url: string, init: RequestInit = {}) =>
    requests.push(
      fetch(url, init).then(
        (response) => response.arrayBuffer(),
        () => undefined,
      ),
    );
  for (let i = 0; i < 20; i++) {
    const word = `${marker}${i}`;
    send(`${base}/api/${word}`);
    send(`${base}/${word}/x?q=${word}`);
    send(`${base}/api/trpc/${word}.${word}`);
    send(`${base}/api/trpc/lessons.getAll,${word}?batch=1&input=%7B%7D`);
    send(
      `${base}/api/trpc/lessons.getById?input=${encodeURIComponent(JSON.stringify({ json: { id: word } }))}`,
    );
    send(`${base}/api/trpc/lessons.getAll?input=${word}`);
    send(`${base}/api/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip() },
      body: JSON.stringify({ json: { email: `${word}@example.com`, password: `${word}-password` } }),
    });
    send(`${base}/api/trpc/auth.signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { email: word, password: word, name: word } }),
    });
    send(`${base}/api/health/${word}`, { method: 'PATCH' });
    send(`${base}/api/stt/${word}`, { method: 'POST', body: word });
    send(`${base}/api/ingest/logs`, { method: 'POST', body: `{"${word}":1}` });
    send(`${base}/metrics/${word}`);
  }
  await Promise.all(requests);
}

const randomByte = () => Math.floor(Math.random() * 250) + 1;

async function scrape(): Promise<{ text: string; series: string[] }> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  // The runtime's own metrics (prom-client's defaults) appear as the process meets them (a GC kind):
  // bounded by Node, not by callers, so only the service's series are compared.
  const series = text
    .split('\n')
    .filter((line) => line && !line.startsWith('#') && !/^(?:nodejs|process)_/.test(line))
    .map((line) => line.slice(0, line.lastIndexOf(' ')))
    // Status and outcome come from closed lists the server owns; which of them a round meets depends on
    // the machine's load (a 504 at the deadline, a rate limit reached a round later), not on the caller.
    .map((series) => series.replace(/\b(status|outcome)="[^"]*"/g, '$1=*'));
  return { text, series: [...new Set(series)] };
}

describe('metric labels under hostile traffic', () => {
  it('take no caller-chosen values, and a round of new values adds no series', async () => {
    const markers = [1, 2, 3].map(() => `fz${randomBytes(4).toString('hex')}`);
    // The scrape itself is a request with its own series: made once before anything is compared.
    await scrape();
    // Two rounds first: by their end every budget the traffic spends (sign-ups, sign-ins) is spent, so
    // the refusals' own series (a 429 status, a RATE_LIMITED outcome) exist before the comparison.
    await fuzz(markers[0]!);
    await fuzz(markers[1]!);
    const before = await scrape();
    await fuzz(markers[2]!);
    const afterSecond = await scrape();

    for (const marker of markers) expect(afterSecond.text).not.toContain(marker);
    // Named, so a failure says which series the last round added.
    const known = new Set(before.series);
    expect(afterSecond.series.filter((series) => !known.has(series))).toEqual([]);
    // A ceiling as well: the whole exposition stays a size one scrape can hold.
    expect(afterSecond.series.length).toBeLessThan(5_000);
  });
});
