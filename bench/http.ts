import { loadTool, measure, printTable, startProcess } from './lib.js';

/**
 * `npm run bench:http`: the full server (every middleware, real database and store) beside a bare Hono
 * hello world, measured in the same run on this machine. The server uses DATABASE_URL and REDIS_URL when
 * they are set, otherwise embedded PGlite and the in-process stores.
 */
const options = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  durationSeconds: Number(process.env.BENCH_SECONDS ?? 10),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 2),
};

const trpcQuery = (path: string, input: unknown) =>
  `/api/trpc/${path}?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: input } }))}`;

const bare = await startProcess('bench/bare-hono.ts', {});
const baseline = await measure('bare Hono hello world', bare.url, options);
await bare.stop();

const dataDir = `./data/bench-${Date.now()}`;
const server = await startProcess(
  'src/main.ts',
  {
    // Production settings need real PostgreSQL and Redis; embedded runs are development by definition.
    NODE_ENV: process.env.DATABASE_URL && process.env.REDIS_URL ? 'production' : 'development',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    DATA_DIR: dataDir,
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    // Production mode refuses to start without these; the values only matter to later features.
    JWT_SECRET: 'bench-only-secret-0123456789-abcdefghij',
    CORS_ORIGINS: 'https://bench.invalid',
  },
  '/api/health/ready',
);
const rows = [baseline];
try {
  rows.push(await measure('GET /api/health/live', `${server.url}/api/health/live`, options));
  rows.push(
    await measure(
      'lessons.getAll {language:es}',
      `${server.url}${trpcQuery('lessons.getAll', { language: 'es' })}`,
      options,
    ),
  );
  rows.push(
    await measure(
      'lessons.getAll {} (all 6 languages)',
      `${server.url}${trpcQuery('lessons.getAll', {})}`,
      options,
    ),
  );
} finally {
  await server.stop();
}

process.stdout.write(
  `\n${loadTool}, ${options.connections} connections, ${options.durationSeconds} s per target after ${options.warmupSeconds} s warm-up; ` +
    `server: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'} + ${process.env.REDIS_URL ? 'Redis' : 'in-process store'}\n`,
);
printTable(rows);
