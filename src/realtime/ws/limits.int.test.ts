import type { Socket } from 'node:net';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import {
  rawSocket,
  sleep,
  startWsService,
  type WsService,
  waitFor,
  wireCall,
  wsTrpcClient,
} from '../../../test/ws.js';
import type { Deps } from '../../deps.js';
import type { WsCloseReason } from '../../lib/metrics.js';

async function closedCount(deps: Deps, reason: WsCloseReason): Promise<number> {
  const metric = await deps.metrics.ws.closed.get();
  return metric.values.find((value) => value.labels.reason === reason)?.value ?? 0;
}

describe('rate limits and floods', () => {
  let s: WsService;
  beforeAll(async () => {
    s = await startWsService({
      env: { WS_MESSAGE_FLOOD_LIMIT: '20' },
      policies: { default: { points: 3, durationSeconds: 60 } },
    });
  });
  afterAll(() => s.stop());

  it('answers calls past the policy with typed RATE_LIMITED errors and keeps the socket open', async () => {
    const { accessToken } = await createUser(s.asTestApp);
    const ws = wsTrpcClient(s.wsUrl, accessToken);
    try {
      for (let call = 0; call < 3; call++) await ws.client.user.get.query();
      for (let call = 0; call < 2; call++) {
        const error = await ws.client.user.get.query().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(TRPCClientError);
        expect((error as TRPCClientError<never>).data).toMatchObject({
          errorCode: 'RATE_LIMITED',
          code: 'TOO_MANY_REQUESTS',
        });
      }
      expect(ws.sockets).toHaveLength(1);
      expect(ws.sockets[0]!.readyState).toBe(ws.sockets[0]!.OPEN);
    } finally {
      ws.close();
    }
  });

  it('closes a socket that floods messages (4005 MESSAGE_FLOOD)', async () => {
    const raw = await rawSocket(s.wsUrl);
    for (let message = 0; message < 25; message++) raw.socket.send('PONG');
    expect(await raw.closed).toEqual({ code: 4005, reason: { code: 'MESSAGE_FLOOD', reconnect: false } });
  });
});

describe('slow consumers', () => {
  let s: WsService;
  beforeAll(async () => {
    s = await startWsService({
      env: { WS_MAX_BUFFERED_BYTES: '65536', WS_MESSAGE_FLOOD_LIMIT: '100000', TRPC_MAX_BATCH_SIZE: '100' },
      policies: { default: { points: 1_000_000, durationSeconds: 60 } },
    });
  });
  afterAll(() => s.stop());

  it('closes a client that stops reading instead of buffering for it (SLOW_CONSUMER)', async () => {
    const before = await closedCount(s.service.deps, 'slow_consumer');
    const raw = await rawSocket(s.wsUrl);
    const tcp = (raw.socket as unknown as { _socket: Socket })._socket;
    tcp.pause();
    const batch = Array.from({ length: 100 }, (_, index) =>
      wireCall(index + 1, 'query', 'lessons.getAll', {}),
    );
    // Far more answers than the kernel's socket buffers hold: the server must not queue them all.
    for (let message = 0; message < 200 && raw.socket.readyState === raw.socket.OPEN; message++) {
      raw.socket.send(JSON.stringify(batch.map((call) => ({ ...call, id: message * 1000 + call.id }))));
      if ((await closedCount(s.service.deps, 'slow_consumer')) > before) break;
      await sleep(10);
    }
    await waitFor(async () => (await closedCount(s.service.deps, 'slow_consumer')) === before + 1, 10_000);
    tcp.resume();
    expect([4004, 1006]).toContain((await raw.closed).code);
  });
});

describe('heartbeats', () => {
  let s: WsService;
  beforeAll(async () => {
    s = await startWsService({ env: { WS_HEARTBEAT_INTERVAL_MS: '300' } });
  });
  afterAll(() => s.stop());

  it('drops a peer that stops answering pings, and keeps one that answers', async () => {
    const before = await closedCount(s.service.deps, 'heartbeat_timeout');
    const silent = await rawSocket(s.wsUrl, { autoPong: false });
    const answering = await rawSocket(s.wsUrl);
    expect((await silent.closed).code).toBe(1006);
    await waitFor(async () => (await closedCount(s.service.deps, 'heartbeat_timeout')) === before + 1);
    await sleep(1_000);
    expect(answering.socket.readyState).toBe(answering.socket.OPEN);
    expect(await closedCount(s.service.deps, 'heartbeat_timeout')).toBe(before + 1);
    answering.socket.close();
  });
});

describe('graceful shutdown', () => {
  it('closes their sockets with 1012 (reconnect), then refuses upgrades', async () => {
    const s = await startWsService();
    const { accessToken } = await createUser(s.asTestApp);
    const raw = await rawSocket(s.wsUrl, { token: accessToken });
    raw.socket.send(JSON.stringify(wireCall(1, 'query', 'user.get')));
    await waitFor(() => raw.messages.length > 0);
    const ws = wsTrpcClient(s.wsUrl, accessToken);
    await ws.client.user.get.query();

    const stopping = s.stop();
    expect(await raw.closed).toEqual({ code: 1012, reason: { code: 'SERVICE_RESTART', reconnect: true } });
    expect((await ws.closed()).code).toBe(1012);
    ws.close();
    await stopping;
    await expect(rawSocket(s.wsUrl)).rejects.toThrow();
  });
});
