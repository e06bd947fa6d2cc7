import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, Member, waitFor } from './processes.js';

/**
 * A Redis server of the cluster test's own (on a free port, with its append-only file in a directory of
 * its own), so that restarting it disturbs nothing else on the machine. It persists as production Redis
 * must: the users' event streams and the job queues live there (see README, Redis).
 */
export async function startRedis(): Promise<{
  url: string;
  member: Member;
  remove(): Promise<void>;
  restart(): Promise<void>;
}> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'linguamate-cluster-redis-'));
  const member = new Member(
    'redis',
    port,
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'],
    {},
  );
  const ready = () => waitFor('redis', async () => (await ping(port)) === '+PONG');
  member.start();
  await ready();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    member,
    /** Stops it for good and deletes its files. */
    async remove() {
      await member.signal('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
    /** A restart as an operator does one: SIGTERM (Redis writes its file and exits), then start again. */
    async restart() {
      await member.signal('SIGTERM');
      member.start();
      await ready();
    },
  };
}

/** One PING over a raw socket: the test needs no client library for it. */
async function ping(port: number): Promise<string> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1000, () => socket.destroy(new Error('timeout')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      resolve(data.toString().trim());
      socket.end();
    });
  });
}
