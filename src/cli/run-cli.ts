import { ConfigError } from '../config/env.js';

/** Runs a command-line task: exit 0 on success, one line on stderr and exit 1 on failure. */
export async function runCli(task: () => Promise<void>): Promise<void> {
  try {
    await task();
    process.exitCode = 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const prefix = error instanceof ConfigError ? '' : 'failed: ';
    process.stderr.write(`${prefix}${message.replace(/\w+:\/\/\S+/g, '<url>')}\n`);
    process.exitCode = 1;
  }
}
