import {
  describeRuntime,
  loadTool,
  type Measurement,
  measure,
  printTable,
  type Started,
  startProcess,
} from './lib.js';

/**
 * `npm run bench:http`: the full server (every middleware, real database and store) beside a bare Hono
 * hello world, measured in the same run on this machine. The server uses DATABASE_URL and REDIS_URL when
 * they are set, otherwise embedded PGlite and the in-process stores. Both servers run on the Node binary
 * named by BENCH_NODE, else on the one running this script; the load generator stays on the latter, so two
 * runtimes can be compared under the same load.
 */
const options = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  durationSeconds: Number(process.env.BENCH_SECONDS ?? 10),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 2),
};

const trpcQuery = (path: string, input: unknown) =>
  `/api/trpc/${path}?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: input } }))}`;

const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

const runtime = describeRuntime(process.env.BENCH_NODE || process.execPath);
const bare = await startProcess('bench/bare-hono.ts', {}, '/', runtime.path);
const dataDir = `./data/bench-${Date.now()}`;
const serverEnv = {
  // Production settings need real PostgreSQL and Redis; embedded runs are development by definition.
  NODE_ENV: process.env.DATABASE_URL && process.env.REDIS_URL ? 'production' : 'development',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  DATA_DIR: dataDir,
  DATABASE_URL: process.env.DATABASE_URL,
  REDIS_URL: process.env.REDIS_URL,
  // Production mode refuses to start without these; the values only matter to later features.
  JWT_SECRET: 'bench-only-secret-0123456789-abcdefghij',
  CORS_ORIGINS: 'https://bench.invalid',
};
const server = await startProcess('src/main.ts', serverEnv, '/api/health/ready', runtime.path);
// BENCH_TRACING_RATIO=0.1: a second server beside the first, exporting traces at that sampling ratio to a
// local OTLP sink (this process, discarding what it counts), so tracing's cost is measured in the same run.
const tracingRatio = process.env.BENCH_TRACING_RATIO;
const sink = tracingRatio ? await startOtlpSink() : undefined;
const traced = sink
  ? await startProcess(
      'src/main.ts',
      {
        ...serverEnv,
        DATA_DIR: `${dataDir}-traced`,
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
        OTEL_TRACES_SAMPLER_ARG: tracingRatio,
      },
      '/api/health/ready',
      runtime.path,
    )
  : undefined;
const esLessons = trpcQuery('lessons.getAll', { language: 'es' });
const targets: [string, string, Started][] = [
  ['bare Hono hello world', bare.url, bare],
  ['GET /api/health/live', `${server.url}/api/health/live`, server],
  ['lessons.getAll {language:es}', `${server.url}${esLessons}`, server],
  ['lessons.getAll {} (all 6 languages)', `${server.url}${trpcQuery('lessons.getAll', {})}`, server],
  ...(traced
    ? ([
        [`GET /api/health/live, traced at ${tracingRatio}`, `${traced.url}/api/health/live`, traced],
        [`lessons.getAll {language:es}, traced at ${tracingRatio}`, `${traced.url}${esLessons}`, traced],
      ] as [string, string, Started][])
    : []),
];
// On a small shared machine throughput drifts by ±10% over minutes, so the targets take turns, round after
// round, and each is reported by its median round: the baseline and the app see the same drift.
const byTarget: Measurement[][] = targets.map(() => []);
try {
  for (let round = 0; round < rounds; round++) {
    for (const [index, [name, url, serverProcess]] of targets.entries())
      byTarget[index]!.push(await measure(name, url, options, serverProcess));
  }
} finally {
  await Promise.all([bare.stop(), server.stop(), traced?.stop()]);
  sink?.close();
}
const median = (measurements: Measurement[]) =>
  [...measurements].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[
    Math.floor(measurements.length / 2)
  ]!;
const perRound = byTarget[1]!.map(
  (live, round) => `${(live.requestsPerSecond / byTarget[0]![round]!.requestsPerSecond).toFixed(2)}x`,
);
const cpuRatio = (() => {
  const cpu = (measurements: Measurement[]) =>
    measurements.map((row) => row.cpuMicrosPerRequest ?? Number.NaN).sort((a, b) => a - b)[
      Math.floor(measurements.length / 2)
    ]!;
  const ratio = cpu(byTarget[0]!) / cpu(byTarget[1]!);
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : 'not measured';
})();

// autocannon runs inside this process, so its own runtime is part of the setup too.
const load = loadTool === 'autocannon' ? `autocannon (on Node ${process.version})` : 'wrk';
process.stdout.write(
  `\nservers on Node ${runtime.version} (V8 ${runtime.v8}, ${runtime.path})\n` +
    `${load}, ${options.connections} connections, ${options.durationSeconds} s per target after ${options.warmupSeconds} s warm-up, ` +
    `median of ${rounds} interleaved round(s); server: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'} + ` +
    `${process.env.REDIS_URL ? 'Redis' : 'in-process store'}\n` +
    `GET /api/health/live vs bare Hono, round by round: ${perRound.join(', ')}; ` +
    `by median server CPU per request (bare / live): ${cpuRatio}\n`,
);
printTable(byTarget.map(median));
if (sink) process.stdout.write(`OTLP sink received ${sink.spans()} spans in ${sink.exports()} exports\n`);

/** An OTLP/HTTP endpoint that counts the spans it is sent and keeps none. */
async function startOtlpSink() {
  const { createServer } = await import('node:http');
  let spans = 0;
  let exports = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      exports += 1;
      spans += (
        Buffer.concat(chunks)
          .toString('utf8')
          .match(/"spanId"/g) ?? []
      ).length;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => spans,
    exports: () => exports,
    close: () => server.close(),
  };
}
