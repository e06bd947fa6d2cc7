import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';
import WebSocket from 'ws';

export const root = path.resolve(import.meta.dirname, '..');

/**
 * The service's environment for a benchmark on real PostgreSQL and Redis: production settings (which
 * refuse to start without a JWT secret and CORS origins; their values only matter to later features),
 * clients recognised by X-Forwarded-For from the load generator on loopback.
 */
export function productionEnv(databaseUrl: string, redisUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    JWT_SECRET: 'bench-only-secret-0123456789-abcdefghij',
    CORS_ORIGINS: 'https://bench.invalid',
    TRUSTED_PROXIES: 'loopback',
  };
}

export interface Started {
  url: string;
  /** CPU time (user + system) the server process has used so far, in seconds; undefined off Linux. */
  cpuSeconds(): number | undefined;
  /** Resident memory of the server process (VmRSS), in bytes; undefined off Linux. */
  memoryBytes(): number | undefined;
  /**
   * With BENCH_PROFILE=<directory>, starts the server's CPU profiler; the returned function stops it and
   * writes `<directory>/<name>.cpuprofile` (open it in Chrome's DevTools). Without, does nothing.
   */
  profile(name: string): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

const clockTicksPerSecond = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/** User + system CPU seconds of a process, from /proc (Linux only). */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  } catch {
    return undefined;
  }
}

/** Resident set size of a process, from /proc (Linux only). */
function processMemoryBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface Runtime {
  /** The binary, as given. */
  path: string;
  /** `process.version` of that binary, e.g. `v24.11.0`. */
  version: string;
  v8: string;
}

/**
 * Asks a Node binary for its version, so results name the runtime that served them rather than the one
 * running the benchmark. Throws when the binary does not run.
 */
export function describeRuntime(nodePath: string): Runtime {
  const result = spawnSync(nodePath, ['-p', 'JSON.stringify([process.version, process.versions.v8])'], {
    encoding: 'utf8',
  });
  if (result.error || result.status !== 0)
    throw new Error(`${nodePath} does not run: ${result.error?.message ?? result.stderr.trim()}`);
  const [version, v8] = JSON.parse(result.stdout) as [string, string];
  return { path: nodePath, version, v8 };
}

/**
 * Starts a server script in its own process (so load generator and server do not share a core) on a free
 * port, with the given Node binary, and waits until `readyPath` answers 200.
 */
export async function startProcess(
  script: string,
  env: Record<string, string | undefined>,
  readyPath = '/',
  nodePath = process.execPath,
): Promise<Started> {
  const port = await freePort();
  const profileDir = process.env.BENCH_PROFILE;
  const inspectorPort = profileDir ? await freePort() : null;
  const nodeArgs = inspectorPort ? [`--inspect=127.0.0.1:${inspectorPort}`] : [];
  const child: ChildProcess = spawn(nodePath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: root,
    env: { PATH: process.env.PATH, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${script} exited before it was ready`);
    if (Date.now() > deadline) throw new Error(`${script} was not ready within 60 s`);
    const ok = await fetch(`${url}${readyPath}`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    cpuSeconds: () => processCpuSeconds(child.pid),
    memoryBytes: () => processMemoryBytes(child.pid),
    async profile(name) {
      if (!profileDir || !inspectorPort) return async () => undefined;
      const inspector = await connectInspector(inspectorPort);
      await inspector.send('Profiler.enable');
      await inspector.send('Profiler.start');
      return async () => {
        const { profile } = (await inspector.send('Profiler.stop')) as { profile: unknown };
        mkdirSync(profileDir, { recursive: true });
        const file = path.join(profileDir, `${name.replace(/[^\w.-]+/g, '_')}.cpuprofile`);
        writeFileSync(file, JSON.stringify(profile));
        inspector.close();
      };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A Chrome DevTools Protocol session with the server's inspector, for its CPU profiler. */
async function connectInspector(port: number) {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const socket = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let nextId = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  return {
    send(method: string, params: Record<string, unknown> = {}) {
      const id = ++nextId;
      return new Promise<unknown>((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => socket.close(),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Measurement {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  bytesPerRequest: number;
  /** Server CPU time per answered request, when the server's process could be watched. */
  cpuMicrosPerRequest?: number;
  /** For requests carrying several calls (a tRPC batch): the calls answered per second. */
  callsPerSecond?: number;
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

/** wrk (C, one thread) when installed: its own cost per response is small and nearly independent of size. */
export const loadTool: 'wrk' | 'autocannon' =
  process.env.BENCH_TOOL === 'autocannon' || spawnSync('wrk', ['--version']).error ? 'autocannon' : 'wrk';

/**
 * Loads one URL for the configured time with wrk, or else autocannon, and reads the latency percentiles.
 * With `server`, also the server's CPU time per request over the measured run (warm-up excluded), which
 * drifts less than req/s when other work shares the machine.
 */
export async function measure(
  name: string,
  url: string,
  options: LoadOptions,
  server?: Pick<Started, 'cpuSeconds'>,
): Promise<Measurement> {
  const measureWith = loadTool === 'wrk' ? measureWithWrk : measureWithAutocannon;
  let cpuAtStart: number | undefined;
  const measurement = await measureWith(name, url, options, () => {
    cpuAtStart = server?.cpuSeconds();
  });
  const cpuAtEnd = server?.cpuSeconds();
  const requests = measurement.requestsPerSecond * options.durationSeconds;
  if (cpuAtStart !== undefined && cpuAtEnd !== undefined && requests > 0)
    measurement.cpuMicrosPerRequest = ((cpuAtEnd - cpuAtStart) * 1e6) / requests;
  return measurement;
}

async function measureWithWrk(
  name: string,
  url: string,
  options: LoadOptions,
  afterWarmup: () => void,
): Promise<Measurement> {
  const run = (seconds: number) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(
        'wrk',
        [
          '-t1',
          `-c${options.connections}`,
          `-d${seconds}s`,
          '-s',
          path.join(root, 'bench', 'wrk-report.lua'),
          url,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve(output) : reject(new Error(`wrk exited with ${code}`)),
      );
    });
  if (options.warmupSeconds > 0) await run(options.warmupSeconds);
  afterWarmup();
  const line = (await run(options.durationSeconds))
    .split('\n')
    .find((entry) => entry.startsWith('{"requests"'));
  if (!line) throw new Error('wrk printed no report');
  const report = JSON.parse(line) as Record<string, number>;
  return {
    name,
    requestsPerSecond: report.requests! / (report.durationUs! / 1e6),
    p50: report.p50! / 1000,
    p95: report.p95! / 1000,
    p99: report.p99! / 1000,
    errors: report.errors!,
    non2xx: report.non2xx!,
    bytesPerRequest: report.requests ? Math.round(report.bytes! / report.requests) : 0,
  };
}

/** Runs autocannon against one URL and records every response time, so any percentile can be read. */
async function measureWithAutocannon(
  name: string,
  url: string,
  options: LoadOptions,
  afterWarmup: () => void,
): Promise<Measurement> {
  if (options.warmupSeconds > 0) {
    await autocannon({ url, connections: options.connections, duration: options.warmupSeconds });
  }
  afterWarmup();
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, connections: options.connections, duration: options.durationSeconds },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: percentile(50),
    p95: percentile(95),
    p99: percentile(99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    bytesPerRequest: result.requests.total ? Math.round(result.throughput.total / result.requests.total) : 0,
  };
}

/** Prints measurements as a table, each with its ratio to the first row (the baseline). */
export function printTable(rows: Measurement[], ratioLabel = 'vs bare'): void {
  const baseline = rows[0]!.requestsPerSecond;
  const table = rows.map((row) => ({
    target: row.name,
    'req/s': Math.round(row.requestsPerSecond),
    [ratioLabel]: `${(row.requestsPerSecond / baseline).toFixed(2)}x`,
    'p50 ms': row.p50.toFixed(2),
    'p95 ms': row.p95.toFixed(2),
    'p99 ms': row.p99.toFixed(2),
    'bytes/resp': row.bytesPerRequest,
    errors: row.errors + row.non2xx,
    ...(row.cpuMicrosPerRequest !== undefined && {
      'server CPU us/req': row.cpuMicrosPerRequest.toFixed(1),
    }),
    ...(rows.some((other) => other.callsPerSecond !== undefined) && {
      'calls/s': Math.round(row.callsPerSecond ?? row.requestsPerSecond),
    }),
  }));
  // biome-ignore lint/suspicious/noConsole: a benchmark's output is its table
  console.table(table);
}

/**
 * Runs `work` in `workers` closed loops for `seconds` and records each call's latency: for requests that
 * differ per call (their own token, body or path), which a single-URL load tool cannot send.
 */
export async function closedLoop(
  name: string,
  workers: number,
  seconds: number,
  work: (worker: number) => Promise<void>,
  options: { server?: Pick<Started, 'cpuSeconds'>; callsPerRequest?: number } = {},
): Promise<Measurement> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const cpuAtStart = options.server?.cpuSeconds();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await work(worker);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuAtEnd = options.server?.cpuSeconds();
  latencies.sort((a, b) => a - b);
  const pick = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return {
    name,
    requestsPerSecond: latencies.length / elapsed,
    ...(cpuAtStart !== undefined &&
      cpuAtEnd !== undefined &&
      latencies.length > 0 && { cpuMicrosPerRequest: ((cpuAtEnd - cpuAtStart) * 1e6) / latencies.length }),
    ...(options.callsPerRequest !== undefined && {
      callsPerSecond: (latencies.length * options.callsPerRequest) / elapsed,
    }),
    p50: pick(50),
    p95: pick(95),
    p99: pick(99),
    errors,
    non2xx: 0,
    bytesPerRequest: 0,
  };
}

/**
 * One HTTP request carrying `inputs.length` calls of one procedure, as the app's httpBatchLink sends
 * queued calls. Throws unless every call succeeded.
 */
export async function trpcBatch(
  base: string,
  path: string,
  inputs: unknown[],
  headers: Record<string, string> = {},
): Promise<void> {
  const body = JSON.stringify(Object.fromEntries(inputs.map((input, index) => [index, { json: input }])));
  const response = await fetch(`${base}/api/trpc/${inputs.map(() => path).join(',')}?batch=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const items = (await response.json()) as { error?: unknown }[];
  const failed = items.find((item) => item.error);
  if (failed) throw new Error(`${path} failed: ${response.status} ${JSON.stringify(failed.error)}`);
}

/** One tRPC call in the app's wire format; returns the result's JSON or throws with the error. */
export async function trpcCall(
  base: string,
  type: 'query' | 'mutation',
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const batch = JSON.stringify({ 0: { json: input } });
  const response =
    type === 'query'
      ? await fetch(`${base}/api/trpc/${path}?batch=1&input=${encodeURIComponent(batch)}`, { headers })
      : await fetch(`${base}/api/trpc/${path}?batch=1`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: batch,
        });
  const [item] = (await response.json()) as [{ result?: { data: { json: unknown } }; error?: unknown }];
  if (!item.result) throw new Error(`${path} failed: ${response.status} ${JSON.stringify(item.error)}`);
  return item.result.data.json;
}
