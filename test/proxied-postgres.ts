import { inject } from 'vitest';
import { openPostgres } from '../src/db/client.js';
import { createLogger } from '../src/lib/logger.js';
import { startTcpProxy } from './tcp-proxy.js';

/**
 * The run's PostgreSQL database reached through a TCP proxy (PostgreSQL runs only): `proxy.cut()` makes it
 * unreachable, as a database going down looks to the app. The caller closes `database`.
 */
export async function proxiedPostgres() {
  const target = new URL(inject('databaseUrl')!);
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  const viaProxy = new URL(target);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  const database = await openPostgres({
    url: viaProxy.toString(),
    poolMax: 2,
    statementTimeoutMs: 2_000,
    connectRetries: 0,
    log: createLogger({ level: 'silent', env: 'test' }),
  });
  return { database, proxy };
}
