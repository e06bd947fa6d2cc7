import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeProvider, startFakeProvider } from '../../../test/fake-provider.js';
import { clientsFor, rejectionOf, TEST_PROVIDER_KEY } from '../../../test/outbound.js';
import { AppError } from '../../lib/errors.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const ask = { messages: [{ role: 'user' as const, content: 'hola' }] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const gaps = (times: number[]) => times.slice(1).map((at, index) => at - times[index]!);

async function outcomes(clients: ReturnType<typeof clientsFor>) {
  const metric = await clients.metrics.outbound.calls.get();
  return metric.values.map((value) => ({ ...value.labels, count: value.value }));
}

describe('retries', () => {
  it('retries 5xx and succeeds on the attempt that works', async () => {
    fake.queue({ kind: 'status', status: 500 }, { kind: 'status', status: 503 });
    const clients = clientsFor(fake);
    const completion = await clients.llm.complete(ask);
    expect(completion.text).toBe('¡Hola! ¿Cómo estás?');
    expect(fake.requests).toHaveLength(3);
    expect(await outcomes(clients)).toContainEqual({
      provider: 'llm',
      operation: 'chat',
      outcome: 'success',
      count: 1,
    });
  });

  it('makes 1 + 3 attempts, then answers SERVICE_UNAVAILABLE with Retry-After', async () => {
    fake.setDefault({ kind: 'status', status: 502 });
    const error = await rejectionOf(clientsFor(fake).llm.complete(ask));
    expect(fake.requests).toHaveLength(4);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 });
  });

  it('spaces attempts by exponential backoff with jitter, as the retry log announced', async () => {
    fake.setDefault({ kind: 'status', status: 500 });
    const initialDelayMs = 40;
    const clients = clientsFor(fake, { backoff: { initialDelayMs, maxDelayMs: 2_000 } });
    await rejectionOf(clients.llm.complete(ask));
    const announced = clients.logs.lines
      .filter((line) => line.msg === 'outbound retry')
      .map((line) => line.delayMs as number);
    expect(announced).toHaveLength(3);
    const measured = gaps(fake.requests.map((request) => request.at));
    for (const [index, delay] of announced.entries()) {
      // Decorrelated jitter: attempt k waits at most about initialDelay × 2^(k+1).
      expect(delay).toBeLessThanOrEqual(initialDelayMs * 2 ** (index + 1));
      expect(measured[index]).toBeGreaterThanOrEqual(delay - 2);
      expect(measured[index]).toBeLessThan(delay + 150);
    }
  });

  it('never retries another 4xx, and calls it the provider refusing the request', async () => {
    fake.setDefault({ kind: 'status', status: 400 });
    const error = await rejectionOf(clientsFor(fake).llm.complete(ask));
    expect(fake.requests).toHaveLength(1);
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR' });
  });

  it('does not retry an answer that is not JSON', async () => {
    fake.queue({ kind: 'malformed' });
    const clients = clientsFor(fake);
    const error = await rejectionOf(clients.llm.complete(ask));
    expect(fake.requests).toHaveLength(1);
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(await outcomes(clients)).toContainEqual(
      expect.objectContaining({ outcome: 'bad_response', count: 1 }),
    );
  });

  it('retries a dropped connection', async () => {
    fake.queue({ kind: 'drop' }, { kind: 'drop' });
    const completion = await clientsFor(fake).llm.complete(ask);
    expect(completion.text).toBe('¡Hola! ¿Cómo estás?');
    expect(fake.requests).toHaveLength(3);
  });

  it('waits at least as long as a 429 asks with Retry-After', async () => {
    fake.queue({ kind: 'status', status: 429, retryAfter: '1' });
    const completion = await clientsFor(fake, { backoff: { initialDelayMs: 1, maxDelayMs: 5 } }).llm.complete(
      ask,
    );
    expect(completion.text).toBe('¡Hola! ¿Cómo estás?');
    const [gap] = gaps(fake.requests.map((request) => request.at));
    expect(gap).toBeGreaterThanOrEqual(995);
  });

  it('gives up at once when Retry-After is longer than what is left of the deadline', async () => {
    fake.queue({ kind: 'status', status: 429, retryAfter: '120' });
    const started = performance.now();
    const error = await rejectionOf(clientsFor(fake).llm.complete(ask));
    expect(performance.now() - started).toBeLessThan(500);
    expect(fake.requests).toHaveLength(1);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 120 });
  });
});

describe('timeouts', () => {
  it('times out each attempt, retries, and stops at the total deadline', async () => {
    fake.setDefault({ kind: 'hang' });
    const clients = clientsFor(fake, {
      attemptTimeoutMs: 150,
      deadlineMs: 400,
      backoff: { initialDelayMs: 1, maxDelayMs: 5 },
    });
    const started = performance.now();
    const error = await rejectionOf(clients.llm.complete(ask));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect(elapsed).toBeGreaterThanOrEqual(395);
    expect(elapsed).toBeLessThan(600);
    // 150 ms attempts inside a 400 ms deadline: the third is cut short by the deadline.
    expect(fake.requests).toHaveLength(3);
  });

  it('stops at once when the caller gives up', async () => {
    fake.setDefault({ kind: 'hang' });
    const controller = new AbortController();
    const pending = clientsFor(fake).llm.complete({ ...ask, signal: controller.signal });
    await sleep(50);
    controller.abort();
    const error = await rejectionOf(pending);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, fails fast while open, and closes after a half-open probe', async () => {
    fake.setDefault({ kind: 'status', status: 500 });
    const clients = clientsFor(fake, {
      retries: 0,
      breaker: { consecutiveFailures: 3, halfOpenAfterMs: 1_200 },
    });
    for (let call = 0; call < 3; call += 1) await rejectionOf(clients.llm.complete(ask));
    expect(clients.llm.circuit).toBe('open');
    expect(fake.requests).toHaveLength(3);

    const started = performance.now();
    const fast = await rejectionOf(clients.llm.complete(ask));
    expect(performance.now() - started).toBeLessThan(50);
    expect(fast).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 2 });
    expect(fake.requests).toHaveLength(3);
    const gauge = await clients.metrics.outbound.circuitState.get();
    expect(gauge.values).toContainEqual(expect.objectContaining({ labels: { provider: 'llm' }, value: 2 }));

    // Half-open: one probe goes through; it fails, so the circuit opens again.
    await sleep(1_250);
    await rejectionOf(clients.llm.complete(ask));
    expect(fake.requests).toHaveLength(4);
    expect(clients.llm.circuit).toBe('open');

    // The provider recovers: the next probe succeeds and closes the circuit.
    fake.setDefault({ kind: 'ok' });
    await sleep(1_250);
    expect((await clients.llm.complete(ask)).text).toBe('¡Hola! ¿Cómo estás?');
    expect(clients.llm.circuit).toBe('closed');
    expect(await outcomes(clients)).toContainEqual(
      expect.objectContaining({ outcome: 'circuit_open', count: 1 }),
    );
  });

  it('lets a caller refuse before its own work while the circuit is open, and probe after the pause', async () => {
    fake.setDefault({ kind: 'status', status: 500 });
    const clients = clientsFor(fake, {
      retries: 0,
      breaker: { consecutiveFailures: 1, halfOpenAfterMs: 400 },
    });
    clients.llm.refuseWhileOpen();
    await rejectionOf(clients.llm.complete(ask));
    const refusal = await rejectionOf(Promise.resolve().then(() => clients.llm.refuseWhileOpen()));
    expect(refusal).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 });
    expect(await outcomes(clients)).toContainEqual(
      expect.objectContaining({ outcome: 'circuit_open', count: 1 }),
    );

    await sleep(450);
    // The pause is over: no refusal, and the next call is the probe that closes the circuit.
    clients.llm.refuseWhileOpen();
    fake.setDefault({ kind: 'ok' });
    await clients.llm.complete(ask);
    expect(clients.llm.circuit).toBe('closed');
    expect(fake.requests).toHaveLength(2);
  });

  it('does not count requests the provider refused as ours to fix (4xx)', async () => {
    fake.setDefault({ kind: 'status', status: 422 });
    const clients = clientsFor(fake, {
      retries: 0,
      breaker: { consecutiveFailures: 2, halfOpenAfterMs: 1_000 },
    });
    for (let call = 0; call < 4; call += 1) await rejectionOf(clients.llm.complete(ask));
    expect(clients.llm.circuit).toBe('closed');
    expect(fake.requests).toHaveLength(4);
  });

  it('keeps one breaker per provider: chat failing leaves speech to text alone', async () => {
    fake.setDefault({ kind: 'status', status: 500 });
    const clients = clientsFor(fake, {
      retries: 0,
      breaker: { consecutiveFailures: 1, halfOpenAfterMs: 5_000 },
    });
    await rejectionOf(clients.llm.complete(ask));
    expect(clients.llm.circuit).toBe('open');
    expect(clients.stt.circuit).toBe('closed');
  });
});

describe('bulkhead', () => {
  it('refuses a call beyond the concurrency and queue caps at once', async () => {
    fake.setDefault({ kind: 'ok', delayMs: 300 });
    const clients = clientsFor(fake, { bulkhead: { maxConcurrent: 1, maxQueued: 1 } });
    const first = clients.llm.complete(ask);
    const queued = clients.llm.complete(ask);
    const started = performance.now();
    const refused = await rejectionOf(clients.llm.complete(ask));
    expect(performance.now() - started).toBeLessThan(50);
    expect(refused).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 });
    await Promise.all([first, queued]);
    expect(fake.requests).toHaveLength(2);
  });
});

describe('logs', () => {
  it('name the provider, operation and status, never the key or what was sent', async () => {
    fake.setDefault({ kind: 'status', status: 500 });
    const clients = clientsFor(fake, { retries: 1, backoff: { initialDelayMs: 1, maxDelayMs: 2 } });
    await rejectionOf(clients.llm.complete({ messages: [{ role: 'user', content: 'my secret sentence' }] }));
    const text = clients.logs.raw.join('\n');
    expect(text).toContain('status 500');
    expect(text).not.toContain(TEST_PROVIDER_KEY);
    expect(text).not.toContain('my secret sentence');
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${TEST_PROVIDER_KEY}`);
  });
});
