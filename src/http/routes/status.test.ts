import { describe, expect, it } from 'vitest';
import { createStatusRoutes } from './status.js';

describe('/api', () => {
  it('names the running release: RELEASE when set', async () => {
    const routes = createStatusRoutes({
      version: '1.0.0',
      env: { NODE_ENV: 'production', RELEASE: 'green-7' },
    });
    expect(await (await routes.request('/')).json()).toMatchObject({ status: 'ok', release: 'green-7' });
  });

  it('names the package version as the release otherwise', async () => {
    const routes = createStatusRoutes({ version: '1.0.0', env: { NODE_ENV: 'production' } });
    expect(await (await routes.request('/')).json()).toMatchObject({ release: 'linguamate-api@1.0.0' });
  });
});
