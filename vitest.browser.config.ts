import { defineConfig } from 'vitest/config';

/**
 * `npm run test:browser`: the admin console in Debian's Chromium, driven by playwright-core, against the
 * real service listening on a free port. Apart from `npm test`: it needs the browser and builds the console
 * first (test/browser/build-console.ts).
 */
export default defineConfig({
  test: {
    name: 'browser',
    include: ['test/browser/**/*.browser.test.ts'],
    globalSetup: ['test/global-setup.ts', 'test/browser/build-console.ts'],
    setupFiles: ['test/overlapping-queries.ts'],
    pool: 'forks',
    // One browser at a time: two cores, and Chromium is the heaviest thing on the machine.
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
