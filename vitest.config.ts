import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores here: two workers keep PGlite's memory use and PostgreSQL's connection count modest.
    maxWorkers: 2,
    // Measured by `npm test` (`--coverage`); `npm run test:unit` and `test:int` alone measure nothing.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: [
        'src/**/*.test.ts',
        // Bundled lesson content: data, not code (its shape is checked by content.test.ts). The seeder
        // that loads it, src/db/seed/seed.ts, is measured.
        'src/db/seed/content/**',
        // Interfaces and types only: nothing in them runs.
        'src/lib/store/types.ts',
        'src/integrations/mailer/types.ts',
        'src/integrations/tutor-data/types.ts',
      ],
      // The summary ends the run's output, so CI's log shows it; the table lists files not fully covered.
      reporter: [['text', { skipFull: true }], 'text-summary'],
      // Held in both modes: embedded runs cannot reach the pg pool and the Redis store, and still pass it.
      thresholds: { lines: 85, branches: 85 },
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Pure logic: no global setup, no database, no Redis.
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.browser.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'],
          // Creates, migrates and seeds the run's database (with TEST_DATABASE_URL) and drops it at the end.
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/overlapping-queries.ts'],
        },
      },
    ],
  },
});
