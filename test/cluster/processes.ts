import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');

export { runAdminStatement } from '../admin-database.js';
export { freePort } from '../free-port.js';

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

/** Where every member's output goes (a file each, appended across restarts), kept for a failed run. */
export const logDir = mkdtempSync(path.join(os.tmpdir(), 'linguamate-cluster-logs-'));

/**
 * A process of the cluster on a fixed port, which can be stopped, killed and started again on the same
 * port (haproxy's configuration names it). Its stderr is kept (the last lines explain a failure).
 */
export class Member {
  #child: ChildProcess | null = null;
  #exited: Promise<number | null> = Promise.resolve(null);
  readonly stderr: string[] = [];

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly command: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  get running() {
    return this.#child !== null;
  }

  start(): void {
    const output = openSync(path.join(logDir, `${this.name}.log`), 'a');
    const child = spawn(this.command, this.args, {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', output, 'pipe'],
    });
    closeSync(output);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr.push(...chunk.split('\n').filter(Boolean));
      this.stderr.splice(0, Math.max(0, this.stderr.length - 50));
    });
    this.#child = child;
    this.#exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.#child = null;
        resolve(code);
      }),
    );
  }

  /** Sends a signal; resolves with the exit code once the process has gone. */
  async signal(signal: NodeJS.Signals): Promise<number | null> {
    this.#child?.kill(signal);
    return this.#exited;
  }
}

/**
 * Ends a run of a script with members: on failures, each member's last stderr lines, the failures and
 * where every member's output is, then exit 1; otherwise "passed".
 */
export function finishRun(log: (line: string) => void, members: Member[], failures: string[]): void {
  if (failures.length > 0) {
    for (const member of members) {
      if (member.stderr.length > 0)
        log(`last lines of ${member.name}:\n  ${member.stderr.slice(-10).join('\n  ')}`);
    }
    log(`FAILED:\n- ${failures.join('\n- ')}`);
    log(`every member's output: ${logDir}`);
    process.exit(1);
  }
  log('passed');
}
