import { spawn } from 'node:child_process';
import { childProcessEnv } from '../../config/env.js';

/**
 * libpq environment for a postgres:// URL, so pg_dump and pg_restore never see the URL (or its password)
 * on their command line, where `ps` would show it to every user of the machine.
 */
export function libpqEnv(url: string): Record<string, string> {
  const parsed = new URL(url);
  const env: Record<string, string> = {};
  if (parsed.hostname) env.PGHOST = decodeURIComponent(parsed.hostname.replace(/^\[|\]$/g, ''));
  if (parsed.port) env.PGPORT = parsed.port;
  if (parsed.username) env.PGUSER = decodeURIComponent(parsed.username);
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database) env.PGDATABASE = database;
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

/** `database name on host:port`: how a target is named in output (never the URL, which may hold a password). */
export function describeTarget(url: string): string {
  const env = libpqEnv(url);
  return `database ${env.PGDATABASE ?? '(default)'} on ${env.PGHOST ?? 'localhost'}:${env.PGPORT ?? '5432'}`;
}

/**
 * Runs a PostgreSQL client tool with the connection in its environment. Rejects with the tool's stderr
 * (URLs masked) when it exits non-zero.
 */
export function runTool(command: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: childProcessEnv({ ...env, PGCONNECT_TIMEOUT: '10' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error) => reject(new Error(`${command} could not be started: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else {
        const detail = stderr
          .trim()
          .replace(/\w+:\/\/\S+/g, '<url>')
          .split('\n')
          .slice(-5)
          .join(' | ');
        reject(new Error(`${command} exited with ${code}: ${detail}`));
      }
    });
  });
}
