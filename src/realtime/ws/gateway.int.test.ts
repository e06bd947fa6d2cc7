import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { type FakeProvider, startFakeProvider } from '../../../test/fake-provider.js';
import {
  rawSocket,
  startWsService,
  type WsService,
  waitFor,
  wireCall,
  wsTrpcClient,
} from '../../../test/ws.js';
import type { Deps } from '../../deps.js';
import type { WsCloseReason } from '../../lib/metrics.js';
import { signAccessToken } from '../../modules/auth/tokens.js';

let fake: FakeProvider;
let s: WsService;

beforeAll(async () => {
  fake = await startFakeProvider();
  s = await startWsService({
    env: {
      AI_BASE_URL: fake.url,
      AI_RETRIES: '0',
      WS_MAX_CONNECTIONS_PER_USER: '2',
      WS_MAX_PAYLOAD_BYTES: '4096',
    },
  });
});
afterAll(async () => {
  await s.stop();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.reply = () => '¡Hola! Me alegra verte hoy.';
});

async function closedCount(deps: Deps, reason: WsCloseReason): Promise<number> {
  const metric = await deps.metrics.ws.closed.get();
  return metric.values.find((value) => value.labels.reason === reason)?.value ?? 0;
}

const errorCodeOf = (error: unknown) =>
  error instanceof TRPCClientError ? (error.data as { errorCode?: string } | undefined)?.errorCode : error;

describe('tRPC over WebSocket on /api/trpc', () => {
  it('runs a query, a mutation and a subscription with the token of the connection params', async () => {
    const { user, accessToken } = await createUser(s.asTestApp);
    const ws = wsTrpcClient(s.wsUrl, accessToken);
    try {
      expect(await ws.client.user.get.query()).toMatchObject({ id: user.id });
      expect(await ws.client.user.update.mutate({ name: 'Ana Socket' })).toMatchObject({
        name: 'Ana Socket',
      });

      const events: { type: string; text?: string }[] = [];
      await new Promise<void>((resolve, reject) => {
        ws.client.chat.streamMessage.subscribe(
          { message: 'hola', language: 'es' },
          {
            onData: (event) => {
              events.push(event as { type: string; text?: string });
              if (event.type === 'done') resolve();
            },
            onError: reject,
          },
        );
      });
      const chunks = events.filter((event) => event.type === 'chunk');
      expect(chunks.length).toBeGreaterThan(2);
      expect(chunks.map((chunk) => chunk.text).join('')).toBe('¡Hola! Me alegra verte hoy.');
      expect(events.at(-1)).toMatchObject({
        type: 'done',
        aiMessage: { text: '¡Hola! Me alegra verte hoy.' },
      });
    } finally {
      ws.close();
    }
  });

  it('keeps serving SSE subscriptions on the same path', async () => {
    const { accessToken } = await createUser(s.asTestApp);
    const query = new URLSearchParams({
      input: JSON.stringify({ json: { message: 'hola', language: 'es' } }),
    });
    const response = await fetch(`${s.url}/api/trpc/chat.streamMessage?${query}`, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'text/event-stream' },
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(await response.text()).toContain('Me alegra');
  });

  it('lets a socket without a token, or with an invalid one, call public procedures only', async () => {
    for (const token of [null, 'not-a-token']) {
      const ws = wsTrpcClient(s.wsUrl, token);
      try {
        expect(Array.isArray(await ws.client.lessons.getAll.query({}))).toBe(true);
        await expect(ws.client.user.get.query()).rejects.toSatisfy(
          (error) => errorCodeOf(error) === 'UNAUTHORIZED',
        );
      } finally {
        ws.close();
      }
    }
  });

  it('refuses upgrades on other paths', async () => {
    await expect(rawSocket(s.wsUrl.replace('/api/trpc', '/api/other'))).rejects.toThrow('HTTP 404');
  });
});

describe('closing sockets with a typed reason', () => {
  it('closes a socket when its access token expires (4001 TOKEN_EXPIRED)', async () => {
    const { user, sessionId } = await createUser(s.asTestApp);
    const shortLived = await signAccessToken(
      { ...s.service.deps.keyRing, accessTtlSeconds: 2 },
      { userId: user.id, sessionId, role: 'user' },
    );
    const ws = wsTrpcClient(s.wsUrl, shortLived);
    try {
      expect(await ws.client.user.get.query()).toMatchObject({ id: user.id });
      const closed = await ws.closed();
      expect(closed).toEqual({ code: 4001, reason: { code: 'TOKEN_EXPIRED', reconnect: true } });
    } finally {
      ws.close();
    }
  });

  it('closes the sockets of a session logged out over HTTP (4002 SESSION_REVOKED), not the others', async () => {
    const { accessToken, client } = await createUser(s.asTestApp);
    const other = await createUser(s.asTestApp);
    const ws = wsTrpcClient(s.wsUrl, accessToken);
    const bystander = wsTrpcClient(s.wsUrl, other.accessToken);
    try {
      await ws.client.user.get.query();
      await bystander.client.user.get.query();
      await client.auth.logout.mutate();
      expect(await ws.closed()).toEqual({
        code: 4002,
        reason: { code: 'SESSION_REVOKED', reconnect: false },
      });
      expect(bystander.sockets[0]!.readyState).toBe(bystander.sockets[0]!.OPEN);
    } finally {
      ws.close();
      bystander.close();
    }
  });

  it('closes a socket whose session is revoked from another device (auth.revokeSession)', async () => {
    const first = await createUser(s.asTestApp);
    const ws = wsTrpcClient(s.wsUrl, first.accessToken);
    try {
      await ws.client.user.get.query();
      // A second device of the same user ends the first one's session.
      const { tokens } = await s.service.deps.db.transaction(async (tx) => {
        const { startSession } = await import('../../modules/auth/sessions.js');
        return { tokens: await startSession(s.service.deps, tx, first.user, { ip: null, userAgent: null }) };
      });
      const second = wsTrpcClient(s.wsUrl, tokens.accessToken);
      await second.client.auth.revokeSession.mutate({ sessionId: first.sessionId });
      second.close();
      expect((await ws.closed()).code).toBe(4002);
    } finally {
      ws.close();
    }
  });

  it('caps the sockets of one user (4003 TOO_MANY_CONNECTIONS) and lets one in again after a close', async () => {
    const { accessToken } = await createUser(s.asTestApp);
    const [a, b] = [wsTrpcClient(s.wsUrl, accessToken), wsTrpcClient(s.wsUrl, accessToken)];
    await a.client.user.get.query();
    await b.client.user.get.query();
    const third = await rawSocket(s.wsUrl, { token: accessToken });
    expect(await third.closed).toEqual({
      code: 4003,
      reason: { code: 'TOO_MANY_CONNECTIONS', reconnect: false },
    });
    a.close();
    await a.closed();
    await waitFor(async () => {
      const fourth = await rawSocket(s.wsUrl, { token: accessToken });
      fourth.socket.send(JSON.stringify(wireCall(1, 'query', 'user.get')));
      await waitFor(() => fourth.messages.length > 0 || fourth.socket.readyState !== fourth.socket.OPEN);
      const ok = fourth.socket.readyState === fourth.socket.OPEN;
      fourth.socket.close();
      return ok;
    });
    b.close();
  });

  it('refuses a message over WS_MAX_PAYLOAD_BYTES by closing with 1009', async () => {
    const before = await closedCount(s.service.deps, 'message_too_big');
    const raw = await rawSocket(s.wsUrl);
    raw.socket.send(JSON.stringify(wireCall(1, 'query', 'lessons.getAll', { padding: 'x'.repeat(5_000) })));
    expect((await raw.closed).code).toBe(1009);
    await waitFor(async () => (await closedCount(s.service.deps, 'message_too_big')) === before + 1);
  });
});
