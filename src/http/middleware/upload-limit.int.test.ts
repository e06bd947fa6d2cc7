import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';

let t: TestApp;
let base: URL;
let bytesRead = 0;

beforeAll(async () => {
  t = await createTestApp({ env: { UPLOAD_LIMIT_BYTES: '65536' } });
  // Stands in for the speech-to-text route: it streams the upload and counts it, as a multipart parser would.
  t.app.post('/api/stt/__test/upload', async (c) => {
    const reader = c.req.raw.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytesRead += value.byteLength;
    }
    return c.json({ bytes: bytesRead });
  });
  base = new URL(await t.listen());
});
afterAll(() => t.close());

/** Sends a chunked upload that never ends on its own; resolves with what the server answered. */
async function trickleUpload(totalBytes: number): Promise<{ answer: string; sent: number }> {
  const socket = net.connect(Number(base.port), base.hostname);
  const received: Buffer[] = [];
  socket.on('data', (chunk) => received.push(chunk));
  socket.on('error', () => undefined);
  socket.write(
    'POST /api/stt/__test/upload HTTP/1.1\r\nHost: x\r\nContent-Type: audio/webm\r\nTransfer-Encoding: chunked\r\n\r\n',
  );
  const piece = Buffer.alloc(8_192, 1);
  let sent = 0;
  while (sent < totalBytes && received.length === 0 && !socket.destroyed) {
    socket.write(`${piece.length.toString(16)}\r\n`);
    socket.write(piece);
    socket.write('\r\n');
    sent += piece.length;
    await sleep(2);
  }
  if (sent >= totalBytes) socket.write('0\r\n\r\n');
  await expect.poll(() => Buffer.concat(received).toString(), { timeout: 5_000 }).toMatch(/HTTP\/1\.1 \d{3}/);
  socket.destroy();
  return { answer: Buffer.concat(received).toString(), sent };
}

describe('speech upload limit', () => {
  it('passes an upload under the limit through to the handler, streamed', async () => {
    bytesRead = 0;
    const { answer } = await trickleUpload(40_000);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(bytesRead).toBeGreaterThanOrEqual(40_000);
  });

  it('answers 413 as soon as a streaming upload crosses the limit, long before it ends', async () => {
    bytesRead = 0;
    const { answer, sent } = await trickleUpload(5_000_000);
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain('"code":"PAYLOAD_TOO_LARGE"');
    expect(bytesRead).toBeLessThanOrEqual(65_536);
    expect(sent).toBeLessThan(1_000_000);
  });

  it('refuses a declared length above the limit without reading the body', async () => {
    const response = await fetch(new URL('/api/stt/__test/upload', base), {
      method: 'POST',
      headers: { 'content-type': 'audio/webm' },
      body: Buffer.alloc(100_000, 1),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });
});
