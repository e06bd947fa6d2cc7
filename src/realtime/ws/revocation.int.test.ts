import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { usingRedis } from '../../../test/harness.js';
import { startWsService, type WsService, wsTrpcClient } from '../../../test/ws.js';

// Two instances share state only through Redis: without TEST_REDIS_URL each would have its own store.
describe.runIf(usingRedis())('session revocation across instances (one Redis)', () => {
  let first: WsService;
  let second: WsService;
  beforeAll(async () => {
    [first, second] = await Promise.all([startWsService(), startWsService()]);
  });
  afterAll(async () => {
    await Promise.all([first.stop(), second.stop()]);
  });

  it('closes a socket on one instance when its session is logged out through the other', async () => {
    const { accessToken, user } = await createUser(first.asTestApp);
    const ws = wsTrpcClient(first.wsUrl, accessToken);
    try {
      expect(await ws.client.user.get.query()).toMatchObject({ id: user.id });
      const elsewhere = await second.asTestApp.trpc({ headers: { authorization: `Bearer ${accessToken}` } });
      await elsewhere.auth.logout.mutate();
      expect(await ws.closed()).toEqual({
        code: 4002,
        reason: { code: 'SESSION_REVOKED', reconnect: false },
      });
    } finally {
      ws.close();
    }
  });

  it('counts one user\u2019s sockets on every instance against WS_MAX_CONNECTIONS_PER_USER', async () => {
    const { accessToken } = await createUser(first.asTestApp);
    const sockets = Array.from({ length: 10 }, (_, index) =>
      wsTrpcClient((index % 2 === 0 ? first : second).wsUrl, accessToken),
    );
    try {
      await Promise.all(sockets.map((ws) => ws.client.user.get.query()));
      const extra = wsTrpcClient(second.wsUrl, accessToken);
      await extra.client.user.get.query().catch(() => undefined);
      expect(await extra.closed()).toMatchObject({ code: 4003 });
      extra.close();
    } finally {
      for (const ws of sockets) ws.close();
    }
  });
});
