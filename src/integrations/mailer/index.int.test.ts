import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturedLogs, testDatabase, testEnv, unique } from '../../../test/harness.js';
import { startSmtpServer, type TestSmtpServer } from '../../../test/smtp-server.js';
import type { Db } from '../../db/client.js';
import { createLogger } from '../../lib/logger.js';
import { createMetrics } from '../../lib/metrics.js';
import { createMailer, enqueueMail } from './index.js';

let db: Db;
let server: TestSmtpServer;

beforeAll(async () => {
  db = (await testDatabase()).db;
  server = await startSmtpServer();
});
afterAll(() => server.close());

function deps(env: Record<string, string | undefined>) {
  const logs = new CapturedLogs();
  return {
    logs,
    deps: {
      db,
      log: createLogger({ level: 'info', env: 'test', destination: logs }),
      env: testEnv(env),
      metrics: createMetrics(() => ({ total: 1, idle: 1, waiting: 0, max: 1 })),
      clock: () => new Date(),
    },
  };
}

describe('createMailer', () => {
  it('sends over SMTP when SMTP_URL is set and counts outcomes', async () => {
    const domain = `${unique('wired')}.test`;
    const { deps: wiring } = deps({ SMTP_URL: server.url, MAIL_FROM: 'Linguamate <hello@linguamate.test>' });
    const mailer = createMailer(wiring, { dispatcher: { onlyDomain: domain } });
    const to = `${unique('u')}@${domain}`;
    await db.transaction((tx) =>
      enqueueMail(tx, { kind: 'security_notice', to, subject: 'New sign-in', text: 'Was it you?' }),
    );

    expect(await mailer.drainOnce()).toBe(1);
    expect((await server.waitForMessage(to)).from).toContain('hello@linguamate.test');
    const metric = await wiring.metrics.registry.getSingleMetricAsString('mail_messages_total');
    expect(metric).toContain('mail_messages_total{outcome="sent"} 1');
    expect(metric).toContain('mail_messages_total{outcome="failed"} 0');
    expect(mailer.transport?.circuit).toBe('closed');
    await mailer.stop();

    // A second mailer on the same registry reuses the counter instead of failing to register it.
    expect(() => createMailer(wiring)).not.toThrow();
  });

  it('holds mail without SMTP_URL', async () => {
    const domain = `${unique('dev')}.test`;
    const { deps: wiring, logs } = deps({ SMTP_URL: undefined });
    const mailer = createMailer(wiring, { dispatcher: { onlyDomain: domain } });
    expect(mailer.transport).toBeNull();
    await enqueueMail(wiring.db, {
      kind: 'password_reset',
      to: `ann@${domain}`,
      subject: 'Reset',
      text: 'Code 55',
    });

    expect(await mailer.drainOnce()).toBe(0);
    expect(logs.lines.some((line) => line.to === `a***@${domain}` && line.component === 'mailer')).toBe(true);
  });
});
