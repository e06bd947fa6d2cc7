import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ConfigError, type Env, loadEnv } from '../config/env.js';

/**
 * Runs a command-line task when `moduleUrl` is the process's entry point (a test that imports the module
 * runs its command directly instead): exit 0 on success, one line on stderr and exit 1 on failure.
 */
export async function runAsCli(moduleUrl: string, command: (env: Env) => Promise<void>): Promise<void> {
  if (!isEntryPoint(moduleUrl)) return;
  try {
    await command(loadEnv());
    process.exitCode = 0;
  } catch (error) {
    process.stderr.write(`${cliErrorLine(error)}\n`);
    process.exitCode = 1;
  }
}

/** The one line a failed command prints: no stack, and no URL (they may carry credentials). */
export function cliErrorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = error instanceof ConfigError ? '' : 'failed: ';
  return `${prefix}${message.replace(/\w+:\/\/\S+/g, '<url>')}`;
}

function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === moduleUrl;
  } catch {
    return false;
  }
}
