import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { trpcCall } from '../../test/trpc-call.js';
import { projectRoot } from '../lib/project-root.js';
import { serverLimitsFrom, startHttpServer } from './server.js';

/** A server of the test app's own, configured as the app's env says, for tests that close it themselves. */
const serve = (t: TestApp) =>
  startHttpServer({
    app: t.app,
    port: 0,
    host: '127.0.0.1',
    log: t.deps.log,
    limits: serverLimitsFrom(t.deps.env),
  });

describe('listening', () => {
  it('on an IPv6 address, names it in brackets in its URL and serves there', async () => {
    const t = await createTestApp();
    try {
      const http = await startHttpServer({
        app: t.app,
        port: 0,
        host: '::1',
        log: t.deps.log,
        limits: serverLimitsFrom(t.deps.env),
      });
      try {
        expect(http.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
        expect((await fetch(`${http.url}/api/health/live`)).status).toBe(200);
      } finally {
        await http.close(1_000);
      }
    } finally {
      await t.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes an in-flight request, then refuses new connections', async () => {
    const t = await createTestApp();
    try {
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started!: () => void;
      const inFlight = new Promise<void>((resolve) => {
        started = resolve;
      });
      // A slow request, mounted on the real app, that we can hold open during shutdown.
      t.app.get('/api/__test/slow', async (c) => {
        started();
        await released;
        return c.json({ finished: true });
      });
      const http = await serve(t);
      const pending = fetch(`${http.url}/api/__test/slow`);
      await inFlight;

      const closed = http.close(5_000);
      await sleep(50);
      await expect(fetch(`${http.url}/api/health/live`)).rejects.toThrow();
      release();

      const response = await pending;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ finished: true });
      await closed;
    } finally {
      await t.close();
    }
  });

  it('cuts requests still running at the deadline', async () => {
    const t = await createTestApp();
    try {
      t.app.get('/api/__test/stuck', () => new Promise<Response>(() => undefined));
      const http = await serve(t);
      const stuck = fetch(`${http.url}/api/__test/stuck`).then(
        () => 'answered',
        () => 'cut',
      );
      await sleep(50);
      const started = Date.now();
      await http.close(200);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(await stuck).toBe('cut');
    } finally {
      await t.close();
    }
  });
});

describe('the server process', () => {
  it('starts on embedded PGlite, serves, and exits 0 on SIGTERM', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'linguamate-'));
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

      await expect.poll(() => output, { timeout: 60_000, interval: 100 }).toContain('listening on');
      const lines = output
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { msg: string; url?: string });
      expect(lines.some((line) => line.msg.includes('single instance only'))).toBe(true);
      const url = lines.find((line) => line.url)!.url!;

      expect((await fetch(`${url}/api/health/ready`)).status).toBe(200);
      const lessons = await trpcCall(url, 'lessons.getAll', {});
      expect((lessons.results[0] as unknown[]).length).toBeGreaterThan(40);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('shutdown complete');
    } finally {
      child?.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
