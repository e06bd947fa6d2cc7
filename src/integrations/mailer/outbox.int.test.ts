import { eq, like } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CapturedLogs, testDatabase, unique } from '../../../test/harness.js';
import { startSmtpServer, type TestSmtpServer } from '../../../test/smtp-server.js';
import type { Db } from '../../db/client.js';
import { type MailOutboxRow, mailOutbox } from '../../db/schema/mail.js';
import { createLogger } from '../../lib/logger.js';
import {
  createMailDispatcher,
  enqueueMail,
  type MailDispatcher,
  type MailDispatcherOptions,
  type MailOutcome,
} from './outbox.js';
import { createSmtpTransport, type SmtpTransport } from './smtp-transport.js';
import type { MailTransport } from './types.js';

const FROM = 'Linguamate <no-reply@linguamate.test>';

let db: Db;
let server: TestSmtpServer;
const cleanup: (() => unknown)[] = [];

beforeAll(async () => {
  db = (await testDatabase()).db;
  server = await startSmtpServer();
});
afterAll(() => server.close());
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  server.behave({});
});

/** Each test mails its own domain, and its dispatchers claim only that domain's rows. */
function scenario(transportOptions: Partial<Parameters<typeof createSmtpTransport>[0]> = {}) {
  const domain = `${unique('mail')}.test`;
  const logs = new CapturedLogs();
  const log = createLogger({ level: 'info', env: 'test', destination: logs });
  const transport: SmtpTransport = createSmtpTransport({
    url: server.url,
    from: FROM,
    log,
    backoff: { initialDelayMs: 5, maxDelayMs: 20 },
    ...transportOptions,
  });
  cleanup.push(() => transport.close());
  const outcomes: MailOutcome[] = [];
  const dispatcher = (options: Partial<MailDispatcherOptions> = {}): MailDispatcher => {
    const created = createMailDispatcher({
      db,
      log,
      transport,
      onlyDomain: domain,
      onOutcome: (outcome) => outcomes.push(outcome),
      ...options,
    });
    cleanup.push(() => created.stop());
    return created;
  };
  const address = (name = unique('u')) => `${name}@${domain}`;
  const rows = () =>
    db
      .select()
      .from(mailOutbox)
      .where(like(mailOutbox.toAddress, `%@${domain}`));
  return { domain, logs, transport, dispatcher, address, rows, outcomes };
}

const mail = (to: string, text = 'Your code is 482913') =>
  ({ kind: 'email_verify', to, subject: 'Verify your email', text }) as const;

async function row(id: string): Promise<MailOutboxRow> {
  const [found] = await db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
  return found!;
}

describe('mail outbox', () => {
  it('delivers a message enqueued in a committed transaction', async () => {
    const { dispatcher, address } = scenario();
    const to = address();
    const { id } = await db.transaction((tx) => enqueueMail(tx, mail(to)));

    expect(await dispatcher().drainOnce()).toBe(1);
    const received = await server.waitForMessage(to);
    expect(received).toMatchObject({ to, subject: 'Verify your email', text: 'Your code is 482913' });
    expect(received.from).toContain('no-reply@linguamate.test');
    expect(await row(id)).toMatchObject({ attempts: 1, lastError: null, abandonedAt: null, bodyText: '' });
    expect((await row(id)).sentAt).toBeInstanceOf(Date);
  });

  it('sends nothing for a rolled-back transaction', async () => {
    const { dispatcher, address, rows } = scenario();
    const to = address();
    await expect(
      db.transaction(async (tx) => {
        await enqueueMail(tx, mail(to));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');

    expect(await dispatcher().drainOnce()).toBe(0);
    expect(await rows()).toHaveLength(0);
    expect(server.messagesTo(to)).toHaveLength(0);
  });

  it('delivers through transient 421s in one pass (the transport retries)', async () => {
    const { dispatcher, address } = scenario();
    const to = address();
    const { id } = await enqueueMail(db, mail(to));
    server.behave({ failFirst: 2, failWith: 421 });

    expect(await dispatcher().drainOnce()).toBe(1);
    expect(server.messagesTo(to)).toHaveLength(1);
    expect(await row(id)).toMatchObject({ attempts: 1, lastError: null });
  });

  it('reschedules a permanent 550 with backoff, then abandons it after maxAttempts', async () => {
    const { dispatcher, address, outcomes } = scenario();
    const { id } = await enqueueMail(db, mail(address()));
    let now = new Date(Date.now() + 1_000);
    const outbox = dispatcher({
      maxAttempts: 2,
      clock: () => now,
      retryBackoff: { baseMs: 60_000, maxMs: 60_000 },
    });
    server.behave({ failFirst: 10, failWith: 550 });
    const before = server.stats.transactions;

    expect(await outbox.drainOnce()).toBe(0);
    const failed = await row(id);
    expect(failed).toMatchObject({
      attempts: 1,
      lastError: 'Mail server rejected the message (EENVELOPE 550)',
    });
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(now.getTime() + 30_000);
    expect(server.stats.transactions - before).toBe(1);

    await outbox.drainOnce();
    expect(server.stats.transactions - before).toBe(1);

    now = new Date(now.getTime() + 61_000);
    await outbox.drainOnce();
    const abandoned = await row(id);
    expect(abandoned).toMatchObject({ attempts: 2, sentAt: null, bodyText: '' });
    expect(abandoned.abandonedAt).toBeInstanceOf(Date);
    expect(server.stats.transactions - before).toBe(2);
    expect(outcomes).toEqual(['failed', 'abandoned']);
  });

  it('stores only a generic reason when a transport fails with something other than AppError', async () => {
    const { dispatcher, address, logs } = scenario();
    const { id } = await enqueueMail(db, mail(address()));
    // A transport of another kind, whose errors may carry what must never be stored or logged.
    const leaky: MailTransport = {
      send: async () => {
        throw new Error('connect to smtp://mailer:Pa55-SECRET@mx.internal failed');
      },
    };

    expect(await dispatcher({ transport: leaky }).drainOnce()).toBe(0);
    expect(await row(id)).toMatchObject({ attempts: 1, lastError: 'Mail transport failed', sentAt: null });
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ msg: 'mail send failed', reason: 'Mail transport failed' }),
    );
    expect(logs.raw.join('\n')).not.toContain('Pa55-SECRET');
  });

  it('abandons a message older than a day without sending it', async () => {
    const { dispatcher, address, outcomes } = scenario();
    const to = address();
    const { id } = await enqueueMail(db, mail(to));
    const tomorrow = new Date(Date.now() + 25 * 60 * 60_000);

    expect(await dispatcher({ clock: () => tomorrow }).drainOnce()).toBe(0);
    expect(await row(id)).toMatchObject({ attempts: 0, sentAt: null, lastError: 'Expired before delivery' });
    expect(server.messagesTo(to)).toHaveLength(0);
    expect(outcomes).toEqual(['abandoned']);
  });

  it('delivers each message exactly once with two dispatchers draining concurrently', async () => {
    const { dispatcher, address, rows } = scenario();
    const recipients = Array.from({ length: 24 }, (_, index) => address(`user${index}`));
    for (const to of recipients) await enqueueMail(db, mail(to));
    const first = dispatcher({ batchSize: 4 });
    const second = dispatcher({ batchSize: 4 });

    const sent = [0, 0];
    for (let round = 0; round < 10 && sent[0]! + sent[1]! < recipients.length; round++) {
      const [a, b] = await Promise.all([first.drainOnce(), second.drainOnce()]);
      sent[0]! += a;
      sent[1]! += b;
    }

    expect(sent[0]! + sent[1]!).toBe(recipients.length);
    expect(sent[0]).toBeGreaterThan(0);
    expect(sent[1]).toBeGreaterThan(0);
    for (const to of recipients) expect(server.messagesTo(to)).toHaveLength(1);
    expect((await rows()).every((stored) => stored.attempts === 1 && stored.sentAt !== null)).toBe(true);
  });

  it('drains at once on wake() and stops cleanly, recording a send cut short by stop()', async () => {
    const { dispatcher, address } = scenario();
    const outbox = dispatcher({ pollIntervalMs: 60_000 });
    outbox.start();
    await new Promise((resolve) => setTimeout(resolve, 50));

    const to = address();
    await enqueueMail(db, mail(to));
    outbox.wake();
    await server.waitForMessage(to, { timeoutMs: 2_000 });

    server.behave({ delayMs: 5_000 });
    const { id } = await enqueueMail(db, mail(address()));
    outbox.wake();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await outbox.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await row(id)).toMatchObject({ attempts: 1, sentAt: null, lastError: 'Mail send aborted' });
    expect(await outbox.drainOnce()).toBe(0);
  });
});

describe('mail outbox without SMTP', () => {
  it('holds messages and logs each once, with a masked address and no body', async () => {
    const domain = `${unique('held')}.test`;
    const logs = new CapturedLogs();
    const log = createLogger({ level: 'info', env: 'test', destination: logs });
    const outbox = createMailDispatcher({ db, log, transport: null, onlyDomain: domain });
    cleanup.push(() => outbox.stop());
    const to = `jane.doe@${domain}`;
    const { id } = await enqueueMail(db, mail(to, 'Your code is 739146'));

    expect(await outbox.drainOnce()).toBe(0);
    expect(await outbox.drainOnce()).toBe(0);

    const held = logs.lines.filter((line) => String(line.msg).includes('held in the mail_outbox table'));
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ level: 'info', to: `j***@${domain}` });
    expect(held[0]!.msg).toBe(`mail to j***@${domain} held in the mail_outbox table: SMTP_URL is not set`);
    const everything = logs.raw.join('\n');
    expect(everything).not.toContain('739146');
    expect(everything).not.toContain('jane.doe');
    expect(await row(id)).toMatchObject({ attempts: 0, sentAt: null, abandonedAt: null });
    expect(server.messagesTo(to)).toHaveLength(0);
  });
});
