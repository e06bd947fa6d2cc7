import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, Member, waitFor } from './processes.js';

/**
 * haproxy in front of the api instances: round robin, health checks on readiness (an instance that is
 * draining or lost its database leaves the pool within two seconds), a failed connection retried on another
 * instance, WebSocket upgrades passed through.
 */
export async function startHaproxy(backends: { name: string; port: number }[]) {
  const port = await freePort();
  const statsPort = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'linguamate-haproxy-'));
  const config = path.join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    [
      'global',
      '  maxconn 4096',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout check 3s',
      '  timeout queue 15s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  timeout tunnel 10m',
      '  option forwardfor',
      // A request that cannot reach its instance goes to another at once, and the instance leaves the pool
      // on its first connection error rather than at its next failed health check.
      '  option redispatch 1',
      '  retries 3',
      '  retry-on conn-failure empty-response response-timeout 502 503 504',
      'frontend api',
      `  bind 127.0.0.1:${port}`,
      '  default_backend instances',
      'frontend stats',
      `  bind 127.0.0.1:${statsPort}`,
      '  stats enable',
      '  stats uri /stats',
      'backend instances',
      '  balance roundrobin',
      // A write whose instance died may have been applied: only reads are replayed elsewhere.
      '  http-request disable-l7-retry if !METH_GET',
      '  option httpchk GET /api/health/ready',
      '  http-check expect status 200',
      // Sockets of an instance marked down are left to it: a draining instance closes them itself, with a reconnect hint.
      // maxconn: requests beyond it wait in haproxy's queue rather than pile up on a saturated instance
      // (whose health check would then time out, taking it out of the pool for being busy).
      '  default-server inter 1s fall 2 rise 2 maxconn 64 observe layer4 error-limit 1 on-error mark-down',
      ...backends.map((backend) => `  server ${backend.name} 127.0.0.1:${backend.port} check`),
      '',
    ].join('\n'),
  );
  const member = new Member('haproxy', port, 'haproxy', ['-db', '-f', config], {});
  member.start();
  await waitFor('haproxy', async () => (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).ok);
  return {
    url: `http://127.0.0.1:${port}`,
    member,
    /** Each backend server's state as haproxy sees it (UP, DOWN, …). */
    async states(): Promise<Record<string, string>> {
      const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).text();
      const states: Record<string, string> = {};
      for (const line of csv.split('\n')) {
        const fields = line.split(',');
        if (fields[0] === 'instances' && fields[1] !== 'BACKEND' && fields[1] !== 'FRONTEND')
          states[fields[1]!] = fields[17]!;
      }
      return states;
    },
  };
}
