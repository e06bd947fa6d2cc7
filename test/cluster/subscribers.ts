import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import WebSocket from 'ws';
import type { AppRouter } from '../../src/trpc/router.js';

export interface Learner {
  token: string;
  userId: string;
}

/**
 * Learners subscribed to `notifications.onEvent` over WebSocket through the load balancer for the whole
 * run. tRPC's wsLink reconnects by itself (an instance draining, killed, or restarting) and resumes
 * with the last event id it saw; every event id received is recorded, repeats included.
 */
export function subscribe(wsUrl: string, learners: Learner[]) {
  const received = new Map<string, string[]>(learners.map((learner) => [learner.userId, []]));
  let errors = 0;
  let started = 0;
  let allStarted: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    allStarted = resolve;
  });
  const clients = learners.map((learner) => {
    const socket = createWSClient({
      url: wsUrl,
      connectionParams: () => ({ token: learner.token }),
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      retryDelayMs: (attempt) => Math.min(200 * 2 ** attempt, 2_000),
    });
    const client = createTRPCClient<AppRouter>({
      links: [wsLink({ client: socket, transformer: superjson })],
    });
    const subscription = client.notifications.onEvent.subscribe(
      {},
      {
        // Without a last event id a subscription starts with the next event: the run raises none before
        // every listener has started.
        onStarted: () => {
          if (++started === learners.length) allStarted();
        },
        onData: (event) => received.get(learner.userId)!.push(String(event.data.id)),
        onError: () => errors++,
      },
    );
    return { socket, subscription };
  });
  return {
    received,
    /** Resolves once every subscription has started (later restarts resume from their last event). */
    ready,
    errors: () => errors,
    close() {
      for (const { socket, subscription } of clients) {
        subscription.unsubscribe();
        socket.close();
      }
    },
  };
}

/**
 * Keeps raising events for the subscribed learners while the run lasts: every `intervalMs` another
 * learner follows one of them through the load balancer (a `new_follower` event). Returns how many
 * follows were acknowledged.
 */
export function followEachOther(url: string, followers: Learner[], followed: Learner[], intervalMs: number) {
  let acknowledged = 0;
  let failed = 0;
  let next = 0;
  const timer = setInterval(() => {
    const index = next++;
    const follower = followers[index % followers.length]!;
    const target = followed[Math.floor(index / followers.length) % followed.length]!;
    fetch(`${url}/api/trpc/leaderboard.follow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${follower.token}` },
      body: JSON.stringify({ json: { userId: target.userId } }),
    }).then(
      (response) => (response.ok ? acknowledged++ : failed++),
      () => failed++,
    );
  }, intervalMs);
  return {
    stop: () => clearInterval(timer),
    acknowledged: () => acknowledged,
    failed: () => failed,
  };
}
