import { freePort, Member, waitFor } from './processes.js';

/**
 * A Redis server of the cluster test's own (on a free port, keeping nothing on disk), so that restarting
 * it disturbs nothing else on the machine.
 */
export async function startRedis(): Promise<{ url: string; member: Member; restart(): Promise<void> }> {
  const port = await freePort();
  const member = new Member(
    'redis',
    port,
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {},
  );
  const ready = () => waitFor('redis', async () => (await ping(port)) === '+PONG');
  member.start();
  await ready();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    member,
    async restart() {
      await member.signal('SIGKILL');
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
