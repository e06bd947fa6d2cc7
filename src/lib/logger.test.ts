import { describe, expect, it } from 'vitest';
import { CapturedLogs } from '../../test/harness.js';
import { createLogger } from './logger.js';
import { requestContext } from './request-context.js';

describe('logger', () => {
  it('redacts credentials wherever they appear', () => {
    const logs = new CapturedLogs();
    const log = createLogger({ level: 'info', env: 'test', destination: logs });
    log.info(
      {
        password: 'Secret123',
        body: { refreshToken: 'r-token', newPassword: 'N3wSecret' },
        req: { headers: { authorization: 'Bearer abc.def', cookie: 'sid=1' } },
      },
      'attempt',
    );
    const line = logs.raw.join('\n');
    for (const secret of ['Secret123', 'r-token', 'N3wSecret', 'abc.def', 'sid=1'])
      expect(line).not.toContain(secret);
    expect(logs.lines[0]).toMatchObject({ password: '[REDACTED]', body: { refreshToken: '[REDACTED]' } });
  });

  it('stamps lines written inside a request with its request and trace ids', () => {
    const logs = new CapturedLogs();
    const log = createLogger({ level: 'info', env: 'test', destination: logs });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    requestContext.run({ requestId: 'req-7', traceId, responseHeaders: {}, pastDeadline: false }, () =>
      log.info('inside'),
    );
    log.info('outside');
    expect(logs.lines.map((line) => line.requestId)).toEqual(['req-7', undefined]);
    expect(logs.lines.map((line) => line.traceId)).toEqual([traceId, undefined]);
  });
});
