import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

/** One message as a mailbox received it: one entry per envelope recipient. */
export interface ReceivedMail {
  /** Envelope recipient, lower-cased. */
  to: string;
  envelopeFrom: string;
  /** The From header as written (`Name <address>`). */
  from: string;
  subject: string;
  text: string;
}

export interface SmtpServerBehavior {
  /** Reject this many mail transactions (at RCPT TO) before accepting any. */
  failFirst?: number;
  /** Reply code of those rejections: 421 is transient, 550 permanent. Defaults to 421. */
  failWith?: 421 | 550;
  /** Wait this long before answering the end of DATA, like a slow or stuck server. */
  delayMs?: number;
}

export interface SmtpServerOptions extends SmtpServerBehavior {
  /** Require these credentials (AUTH PLAIN/LOGIN without TLS, which is fine on loopback). */
  auth?: { user: string; pass: string };
}

/** A real SMTP server on 127.0.0.1 for tests, recording what it accepts. */
export interface TestSmtpServer {
  /** `smtp://[user:pass@]127.0.0.1:<port>` */
  url: string;
  port: number;
  readonly received: readonly ReceivedMail[];
  /** Connections opened and mail transactions started (MAIL FROM), accepted or not. */
  readonly stats: { connections: number; transactions: number };
  /** Changes how later transactions are treated; the failure count starts again from zero. */
  behave(behavior: SmtpServerBehavior): void;
  /** Messages received for `to` so far. */
  messagesTo(to: string): ReceivedMail[];
  /**
   * Resolves with the `nth` (1-based, default 1) message received for `to`, waiting for it when needed.
   * Rejects after `timeoutMs` (default 5 s).
   */
  waitForMessage(to: string, options?: { timeoutMs?: number; nth?: number }): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/** Starts a local SMTP server on a random port; close it in `afterAll`/`afterEach`. */
export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const stats = { connections: 0, transactions: 0 };
  const waiters = new Set<() => void>();
  const closedSessions = new Set<string>();
  let behavior: Required<SmtpServerBehavior> = { failFirst: 0, failWith: 421, delayMs: 0 };
  let failed = 0;

  const behave = (next: SmtpServerBehavior) => {
    behavior = { failFirst: next.failFirst ?? 0, failWith: next.failWith ?? 421, delayMs: next.delayMs ?? 0 };
    failed = 0;
  };
  behave(options);

  const server = new SMTPServer({
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 500,
    onConnect(_session, callback) {
      stats.connections++;
      callback();
    },
    onClose(session) {
      closedSessions.add(session.id);
    },
    onAuth(auth, _session, callback) {
      const ok = auth.username === options.auth?.user && auth.password === options.auth?.pass;
      if (!ok) return callback(smtpError(535, 'Authentication failed'));
      callback(null, { user: auth.username });
    },
    onMailFrom(_address, _session, callback) {
      stats.transactions++;
      callback();
    },
    onRcptTo(_address, _session, callback) {
      if (failed < behavior.failFirst) {
        failed++;
        const message = behavior.failWith === 421 ? 'Try again later' : 'Mailbox unavailable';
        return callback(smtpError(behavior.failWith, message));
      }
      callback();
    },
    onData(stream, session, callback) {
      const { delayMs } = behavior;
      simpleParser(stream)
        .then(async (parsed) => {
          if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
          // A client that gave up before the reply never learns the message was taken: do not count it.
          if (closedSessions.has(session.id)) return callback();
          const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          for (const recipient of session.envelope.rcptTo) {
            received.push({
              to: recipient.address.toLowerCase(),
              envelopeFrom,
              from: parsed.from?.text ?? '',
              subject: parsed.subject ?? '',
              text: (parsed.text ?? '').trimEnd(),
            });
          }
          for (const wake of waiters) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  server.on('error', () => undefined);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  const credentials = options.auth
    ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`
    : '';

  const messagesTo = (to: string) => received.filter((mail) => mail.to === to.toLowerCase());

  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    port,
    received,
    stats,
    behave,
    messagesTo,
    waitForMessage(to, { timeoutMs = 5_000, nth = 1 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const mail = messagesTo(to)[nth - 1];
          if (!mail) return false;
          clearTimeout(timer);
          waiters.delete(onMessage);
          resolve(mail);
          return true;
        };
        const onMessage = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(onMessage);
          const count = messagesTo(to).length;
          reject(new Error(`no message #${nth} for ${to} within ${timeoutMs} ms (${count} received)`));
        }, timeoutMs);
        if (!check()) waiters.add(onMessage);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function smtpError(responseCode: number, message: string): SMTPServerError {
  return Object.assign(new Error(message), { responseCode });
}
