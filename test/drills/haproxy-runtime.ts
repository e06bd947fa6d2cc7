import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, Member, waitFor } from '../cluster/processes.js';

export const BACKEND = 'be';

/** One backend server's line of `show stat`, the fields the drill reads. */
export interface ServerStat {
  status: string;
  weight: number;
  /** Sessions in progress and requests queued for it: both 0 once it is drained. */
  scur: number;
  qcur: number;
  /** Responses by class (haproxy counts a retried request's answer on the server that gave it). */
  hrsp2xx: number;
  hrsp5xx: number;
  responses: number;
  /**
   * Requests that failed on it and were replayed on the other server (`wredis`: with `option redispatch 1`
   * every retry is a redispatch; `wretr` counts the same retries again). haproxy counts the replayed
   * answer on the server that gave it, not as this one's 5xx.
   */
  retried: number;
}

/**
 * haproxy in front of two slots, `blue` and `green`, with its runtime API on a loopback port (level admin):
 * the drill moves traffic with `set server`/`set weight` commands, as an operator or a deploy job would.
 * `green` starts in maintenance. A GET, and a `lessons.submit` (whose client always sends an
 * `idempotencyKey`, so a replay counts once), that fails with a 5xx or a lost connection is retried on the
 * other slot: what keeps a bad release's errors from clients while the controller rolls it back.
 */
export async function startBlueGreenHaproxy(bluePort: number) {
  const port = await freePort();
  const adminPort = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'linguamate-bluegreen-haproxy-'));
  const config = path.join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    [
      'global',
      '  maxconn 4096',
      `  stats socket ipv4@127.0.0.1:${adminPort} level admin`,
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout check 3s',
      '  timeout queue 15s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  option forwardfor',
      '  option redispatch 1',
      '  retries 3',
      '  retry-on conn-failure empty-response response-timeout 500 502 503 504',
      'frontend api',
      `  bind 127.0.0.1:${port}`,
      `  default_backend ${BACKEND}`,
      `backend ${BACKEND}`,
      '  balance roundrobin',
      // A replay needs the whole request in haproxy's buffer.
      '  option http-buffer-request',
      '  http-request disable-l7-retry if !METH_GET !{ path /api/trpc/lessons.submit }',
      '  option httpchk GET /api/health/ready',
      '  http-check expect status 200',
      '  default-server inter 500ms fall 2 rise 2 maxconn 64',
      `  server blue 127.0.0.1:${bluePort} check weight 100`,
      // Any port: the deploy points the slot at its release before enabling it.
      `  server green 127.0.0.1:${bluePort} check weight 100 disabled`,
      '',
    ].join('\n'),
  );
  const member = new Member('haproxy', port, 'haproxy', ['-db', '-f', config], {});
  member.start();
  await waitFor('haproxy runtime API', async () => (await runtime(adminPort, 'show info')).includes('Name:'));

  /** One runtime API command; throws on haproxy's refusal. */
  async function command(line: string): Promise<string> {
    const answer = await runtime(adminPort, line);
    if (/no such|unknown|invalid|require|not found|denied/i.test(answer))
      throw new Error(`haproxy refused "${line}": ${answer.trim()}`);
    return answer;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    member,
    command,
    /** `show stat` for the backend's servers. */
    async stats(): Promise<Record<string, ServerStat>> {
      const [header, ...rows] = (await command('show stat')).trim().split('\n');
      const names = header!.replace(/^# /, '').split(',');
      const stats: Record<string, ServerStat> = {};
      for (const row of rows) {
        const fields = Object.fromEntries(row.split(',').map((value, index) => [names[index], value]));
        if (fields.pxname !== BACKEND || fields.svname === 'BACKEND' || fields.svname === 'FRONTEND')
          continue;
        const count = (name: string) => Number(fields[name] || 0);
        stats[fields.svname!] = {
          status: fields.status!,
          weight: count('weight'),
          scur: count('scur'),
          qcur: count('qcur'),
          hrsp2xx: count('hrsp_2xx'),
          hrsp5xx: count('hrsp_5xx'),
          retried: count('wredis'),
          responses: ['hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx', 'hrsp_other'].reduce(
            (sum, name) => sum + count(name),
            0,
          ),
        };
      }
      return stats;
    },
  };
}

export type BlueGreenHaproxy = Awaited<ReturnType<typeof startBlueGreenHaproxy>>;

/** A runtime API exchange: one command per connection, haproxy closes it after answering. */
function runtime(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(`${line}\n`);
  });
}
