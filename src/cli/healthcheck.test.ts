import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../config/env.js';
import { liveUrl, probeLiveness } from './healthcheck.js';

const base = { HOST: '0.0.0.0', PORT: 8080, WORKER_PORT: 8081 };

describe('liveUrl', () => {
  it('probes the HTTP liveness route for any set of roles with api or realtime', () => {
    expect(liveUrl({ ...base, ROLES: ['api', 'realtime', 'worker'] })).toBe(
      'http://127.0.0.1:8080/api/health/live',
    );
    expect(liveUrl({ ...base, ROLES: ['realtime'] })).toBe('http://127.0.0.1:8080/api/health/live');
  });

  it('probes the worker health server when the worker role is alone', () => {
    expect(liveUrl({ ...base, ROLES: ['worker'] })).toBe('http://127.0.0.1:8081/health');
  });

  it('probes a specific HOST as it is, brackets around IPv6', () => {
    expect(liveUrl({ ...base, HOST: '10.0.0.5', ROLES: ['api'] })).toBe(
      'http://10.0.0.5:8080/api/health/live',
    );
    expect(liveUrl({ ...base, HOST: '::1', ROLES: ['worker'] })).toBe('http://[::1]:8081/health');
    expect(liveUrl({ ...base, HOST: '::', ROLES: ['api'] })).toBe('http://127.0.0.1:8080/api/health/live');
  });
});

describe('probeLiveness', () => {
  async function withServer(status: number, run: (port: number) => Promise<void>): Promise<string[]> {
    const paths: string[] = [];
    const server = createServer((request, response) => {
      paths.push(request.url ?? '');
      response.writeHead(status).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await run((server.address() as AddressInfo).port);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    return paths;
  }

  it('passes on a 2xx from the liveness route', async () => {
    const paths = await withServer(200, (port) =>
      probeLiveness(parseEnv({ HOST: '127.0.0.1', PORT: String(port), ROLES: 'api' })),
    );
    expect(paths).toEqual(['/api/health/live']);
  });

  it('fails on any other status, and when nothing listens', async () => {
    await withServer(503, async (port) => {
      await expect(
        probeLiveness(parseEnv({ HOST: '127.0.0.1', WORKER_PORT: String(port), ROLES: 'worker' })),
      ).rejects.toThrow('liveness answered 503');
    });
    // Port 1 (tcpmux): nothing listens there on any machine this runs on.
    await expect(probeLiveness(parseEnv({ HOST: '127.0.0.1', PORT: '1', ROLES: 'api' }))).rejects.toThrow();
  });
});
