import { availableParallelism } from 'node:os';
import { hash } from '@node-rs/argon2';
import { ARGON2_OPTIONS } from '../src/modules/auth/passwords.js';
import { closedLoop, type Measurement, printTable, startProcess, trpcCall } from './lib.js';

/**
 * `npm run bench:auth`: login and refresh throughput of the real server beside the raw argon2id hash rate
 * at the same parameters, measured in one run. Login is bounded by one argon2id verification per request,
 * so its ceiling is the hash rate; refresh does no password work. Uses DATABASE_URL / REDIS_URL when set.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PASSWORD = 'Bench-Password-2026';

// Real traffic comes from many addresses. The server trusts X-Forwarded-For from loopback here, and each
// call claims a different benchmarking-range address, so per-IP limits see a crowd, not one client.
let callCount = 0;
const nextClientIp = () => {
  callCount++;
  return `198.18.${(callCount >> 8) & 255}.${callCount & 255}`;
};

const trpc = (base: string, path: string, input: unknown) =>
  trpcCall(base, 'mutation', path, input, { 'x-forwarded-for': nextClientIp() }) as Promise<
    Record<string, string>
  >;

const hashRate = await closedLoop(
  `raw argon2id hash (m=19456,t=2,p=1), ${concurrency} in flight`,
  concurrency,
  seconds,
  async () => {
    await hash(PASSWORD, ARGON2_OPTIONS);
  },
);

const server = await startProcess(
  'src/main.ts',
  {
    NODE_ENV: process.env.DATABASE_URL && process.env.REDIS_URL ? 'production' : 'development',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    DATA_DIR: `./data/bench-auth-${Date.now()}`,
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    JWT_SECRET: 'bench-only-secret-0123456789-abcdefghij',
    CORS_ORIGINS: 'https://bench.invalid',
    MAX_SESSIONS_PER_USER: '100',
    TRUSTED_PROXIES: 'loopback',
  },
  '/api/health/ready',
);

const rows: Measurement[] = [hashRate];
try {
  const stamp = Date.now();
  // Enough accounts that none reaches the per-account login limit during the run.
  const accountCount = concurrency * 8;
  let logins = 0;
  const accounts = await Promise.all(
    Array.from({ length: accountCount }, (_, index) =>
      trpc(server.url, 'auth.signup', {
        name: `Bench ${index}`,
        email: `bench-${stamp}-${index}@example.com`,
        password: PASSWORD,
      }),
    ),
  );
  rows.push(
    await closedLoop(`auth.login, ${concurrency} clients`, concurrency, seconds, async () => {
      await trpc(server.url, 'auth.login', {
        email: `bench-${stamp}-${logins++ % accountCount}@example.com`,
        password: PASSWORD,
      });
    }),
  );
  const refreshTokens = accounts.slice(0, concurrency).map((account) => account.refreshToken!);
  rows.push(
    await closedLoop(
      `auth.refreshToken (rotating), ${concurrency} clients`,
      concurrency,
      seconds,
      async (worker) => {
        const next = await trpc(server.url, 'auth.refreshToken', { refreshToken: refreshTokens[worker] });
        refreshTokens[worker] = next.refreshToken!;
      },
    ),
  );
} finally {
  await server.stop();
}

process.stdout.write(
  `\n${seconds} s per row, ${concurrency} concurrent callers, ${availableParallelism()} cores; server: ` +
    `${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'} + ${process.env.REDIS_URL ? 'Redis' : 'in-process store'}\n`,
);
printTable(rows, 'vs hash rate');
