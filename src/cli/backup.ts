import type { Env } from '../config/env.js';
import { createBackup } from '../db/backup/index.js';
import { runAsCli } from './run-cli.js';

/**
 * `npm run backup`: pg_dump of DATABASE_URL, or in embedded mode a dump of DATA_DIR's PGlite (the server
 * must be stopped: PGlite is single-process), with a manifest and retention in BACKUP_DIR. The dump's path
 * is the last line of stdout, for scripts.
 */
export async function backupDatabase(env: Env, out: NodeJS.WritableStream = process.stdout): Promise<string> {
  const result = await createBackup(env);
  const { manifest } = result;
  out.write(
    `backed up ${manifest.database.kind} at migration ${manifest.migrationHead.tag ?? manifest.migrationHead.createdAt}: ${manifest.dump.bytes} bytes, sha256 ${manifest.dump.sha256}\n`,
  );
  for (const removed of result.removed) out.write(`retention removed ${removed}\n`);
  out.write(`${result.dumpPath}\n`);
  return result.dumpPath;
}

await runAsCli(import.meta.url, async (env) => {
  await backupDatabase(env);
});
