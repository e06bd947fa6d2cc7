import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { wavFile } from './audio-fixtures.js';
import type { TestApp } from './harness.js';

/**
 * Streams a multipart upload in chunks over a real socket and stops writing as soon as the server answers;
 * resolves with the answer and how many bytes had been sent by then.
 */
export async function trickleMultipart(
  app: TestApp,
  path: string,
  totalBytes: number,
): Promise<{ answer: string; sent: number }> {
  const base = new URL(await app.listen());
  const socket = net.connect(Number(base.port), base.hostname);
  const received: Buffer[] = [];
  socket.on('data', (chunk) => received.push(chunk));
  socket.on('error', () => undefined);
  const boundary = 'trickle-boundary';
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nTransfer-Encoding: chunked\r\n\r\n`,
  );
  const writeChunk = (data: Buffer) => {
    socket.write(`${data.length.toString(16)}\r\n`);
    socket.write(data);
    socket.write('\r\n');
  };
  writeChunk(
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
      ),
      wavFile(0),
    ]),
  );
  const piece = Buffer.alloc(8_192, 0);
  let sent = 0;
  while (sent < totalBytes && received.length === 0 && !socket.destroyed) {
    writeChunk(piece);
    sent += piece.length;
    await sleep(2);
  }
  if (sent >= totalBytes) {
    writeChunk(Buffer.from(`\r\n--${boundary}--\r\n`));
    socket.write('0\r\n\r\n');
  }
  await expect.poll(() => Buffer.concat(received).toString(), { timeout: 5_000 }).toMatch(/HTTP\/1\.1 \d{3}/);
  socket.destroy();
  return { answer: Buffer.concat(received).toString(), sent };
}
