import net, { type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CapturedLogs, unique } from '../../../test/harness.js';
import { startSmtpServer, type TestSmtpServer } from '../../../test/smtp-server.js';
import { AppError } from '../../lib/errors.js';
import { createLogger } from '../../lib/logger.js';
import { createSmtpTransport, type SmtpTransport, type SmtpTransportOptions } from './smtp-transport.js';

const FROM = 'Linguamate <no-reply@linguamate.test>';
const PASSWORD = 'smtp-password-that-must-not-leak';
const fast = { initialDelayMs: 5, maxDelayMs: 20 };

let server: TestSmtpServer;
let logs: CapturedLogs;
const transports: SmtpTransport[] = [];

beforeAll(async () => {
  server = await startSmtpServer({ auth: { user: 'mailer', pass: PASSWORD } });
});
afterAll(() => server.close());
afterEach(() => {
  server.behave({});
  for (const transport of transports.splice(0)) transport.close();
});

function transport(options: Partial<SmtpTransportOptions> = {}): SmtpTransport {
  logs = new CapturedLogs();
  const log = createLogger({ level: 'info', env: 'test', destination: logs });
  const created = createSmtpTransport({ url: server.url, from: FROM, log, backoff: fast, ...options });
  transports.push(created);
  return created;
}

const address = () => `${unique('u')}@example.test`;

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => expect.fail('expected the send to fail'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

function expectNoSecrets(...texts: string[]) {
  for (const text of texts) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(server.url);
  }
}

describe('smtp transport', () => {
  it('delivers with the configured From and the message fields, authenticating from the URL', async () => {
    const to = address();
    await transport().send({ to, subject: 'Verify your email', text: 'Your code is 482913' });

    const mail = await server.waitForMessage(to);
    expect(mail).toMatchObject({
      to,
      envelopeFrom: 'no-reply@linguamate.test',
      subject: 'Verify your email',
    });
    expect(mail.from).toContain('no-reply@linguamate.test');
    expect(mail.text).toBe('Your code is 482913');
  });

  it('retries a transient 421 with backoff and then delivers', async () => {
    server.behave({ failFirst: 2, failWith: 421 });
    const before = server.stats.transactions;
    const to = address();
    await transport().send({ to, subject: 's', text: 't' });

    expect(server.stats.transactions - before).toBe(3);
    expect(server.messagesTo(to)).toHaveLength(1);
    expect(logs.lines.filter((line) => line.msg === 'mail send retry')).toHaveLength(2);
  });

  it('does not retry a permanent 550, and a refused message does not trip the breaker', async () => {
    server.behave({ failFirst: 10, failWith: 550 });
    const sender = transport({ breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } });
    const before = server.stats.transactions;

    for (let i = 0; i < 3; i++) {
      const error = await failure(sender.send({ to: address(), subject: 's', text: 't' }));
      expect(error.code).toBe('UPSTREAM_ERROR');
      expect(error.message).toBe('Mail server rejected the message (EENVELOPE 550)');
    }
    expect(server.stats.transactions - before).toBe(3);
    expect(sender.circuit).toBe('closed');
  });

  it('fails an attempt that outlives its timeout, closing the connection', async () => {
    server.behave({ delayMs: 800 });
    const to = address();
    const started = Date.now();
    const error = await failure(
      transport({ attemptTimeoutMs: 200, retries: 1 }).send({ to, subject: 's', text: 't' }),
    );

    expect(error.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(700);
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(server.messagesTo(to)).toHaveLength(0);
  });

  it('opens the breaker after consecutive failures, fails fast, and closes again once the server recovers', async () => {
    server.behave({ failFirst: 1_000, failWith: 421 });
    const sender = transport({ retries: 0, breaker: { consecutiveFailures: 3, halfOpenAfterMs: 300 } });
    for (let i = 0; i < 3; i++) {
      expect((await failure(sender.send({ to: address(), subject: 's', text: 't' }))).code).toBe(
        'UPSTREAM_ERROR',
      );
    }
    expect(sender.circuit).toBe('open');

    const connections = server.stats.connections;
    const started = Date.now();
    const error = await failure(sender.send({ to: address(), subject: 's', text: 't' }));
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'Mail service unavailable' });
    expect(Date.now() - started).toBeLessThan(100);
    expect(server.stats.connections).toBe(connections);

    server.behave({});
    await new Promise((resolve) => setTimeout(resolve, 350));
    const to = address();
    await sender.send({ to, subject: 's', text: 't' });
    expect(server.messagesTo(to)).toHaveLength(1);
    expect(sender.circuit).toBe('closed');
  });

  it('keeps the URL and credentials out of errors and logs', async () => {
    const closed = await unusedPort();
    const unreachable = transport({ url: `smtp://mailer:${PASSWORD}@127.0.0.1:${closed}`, retries: 1 });
    const refused = await failure(unreachable.send({ to: address(), subject: 's', text: 't' }));
    expect(refused.message).toBe('Mail server unreachable (ESOCKET)');
    expectNoSecrets(refused.message, String(refused.stack), JSON.stringify(refused), ...logs.raw);

    const wrongPassword = transport({ url: server.url.replace(PASSWORD, 'wrong-password'), retries: 1 });
    const denied = await failure(wrongPassword.send({ to: address(), subject: 's', text: 't' }));
    expect(denied.message).toBe('Mail server refused the credentials (EAUTH 535)');
    expectNoSecrets(denied.message, String(denied.stack), JSON.stringify(denied), ...logs.raw);
  });

  it('stops at once, without retrying, when the caller aborts', async () => {
    server.behave({ delayMs: 2_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await failure(
      transport().send({ to: address(), subject: 's', text: 't' }, { signal: controller.signal }),
    );
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'Mail send aborted' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

async function unusedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
