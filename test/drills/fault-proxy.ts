import http from 'node:http';
import { freePort } from '../cluster/processes.js';

/**
 * Our fault injector standing in for a bad release: a tiny HTTP proxy in front of a healthy instance that
 * answers 500 to every `failEvery`-th tRPC call and forwards everything else (health checks and `/api`
 * included, so the release looks fine to haproxy's checks and to the smoke probe). The service itself has
 * no test-only code path for this.
 */
export async function startFaultProxy(targetPort: number, failEvery: number) {
  const port = await freePort();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let calls = 0;
  let injected = 0;
  const server = http.createServer((request, response) => {
    if (request.url?.startsWith('/api/trpc/') && ++calls % failEvery === 0) {
      injected++;
      request.resume();
      request.on('end', () => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: 'INTERNAL', message: 'injected fault', requestId: 'fault' }));
      });
      return;
    }
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    injected: () => injected,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
