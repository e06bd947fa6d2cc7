import type { Env } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../lib/logger.js';
import type { Metrics } from '../../lib/metrics.js';
import { createMailDispatcher, type MailDispatcher, type MailDispatcherOptions } from './outbox.js';
import { createSmtpTransport, type SmtpTransport, type SmtpTransportOptions } from './smtp-transport.js';

export { maskAddress } from './mask.js';
export type { EnqueueMailInput, MailDispatcher, MailKind, MailOutcome } from './outbox.js';
export { enqueueMail } from './outbox.js';
export type { MailMessage, MailTransport } from './types.js';

/**
 * The outbox dispatcher (start, stop, drainOnce, wake) plus what it sends through. `stop()` also closes
 * the SMTP transport, so whoever stops the mailer leaves no connection behind.
 */
export interface Mailer extends MailDispatcher {
  /** null when SMTP_URL is not set: mail is held in the outbox and announced (masked) in the log. */
  transport: SmtpTransport | null;
}

export interface MailerDeps {
  db: Db;
  log: Logger;
  env: Pick<Env, 'SMTP_URL' | 'MAIL_FROM'>;
  metrics: Pick<Metrics, 'mailMessages'>;
  clock: () => Date;
}

export interface MailerOverrides {
  transport?: Partial<Omit<SmtpTransportOptions, 'url' | 'from' | 'log'>>;
  dispatcher?: Partial<Omit<MailDispatcherOptions, 'db' | 'log' | 'transport'>>;
}

/**
 * Wires the mail outbox: SMTP (with timeout, retries and circuit breaker) when `env.SMTP_URL` is set,
 * otherwise a dispatcher that holds messages. Counts outcomes in `mail_messages_total{outcome}`.
 * Does not start the dispatcher: the process entry point does (and stops it on shutdown).
 */
export function createMailer(deps: MailerDeps, overrides: MailerOverrides = {}): Mailer {
  const log = deps.log.child({ component: 'mailer' });
  const transport = deps.env.SMTP_URL
    ? createSmtpTransport({ ...overrides.transport, url: deps.env.SMTP_URL, from: deps.env.MAIL_FROM, log })
    : null;
  const dispatcher = createMailDispatcher({
    clock: deps.clock,
    ...overrides.dispatcher,
    db: deps.db,
    log,
    transport,
    onOutcome: (outcome) => {
      deps.metrics.mailMessages.inc({ outcome });
      overrides.dispatcher?.onOutcome?.(outcome);
    },
  });
  return {
    ...dispatcher,
    async stop() {
      await dispatcher.stop();
      transport?.close();
    },
    transport,
  };
}
