import { parseArgs } from 'node:util';
import { restoreBackup } from '../db/backup/index.js';
import { runAsCli } from './run-cli.js';

const USAGE =
  'usage: npm run restore -- <backup file> --to <postgres://url of an empty database> | --to-data-dir <new dir>';

/**
 * `npm run restore -- <file> --to <url>` (or `--to-data-dir <dir>` for an embedded backup): verifies the
 * backup, restores it into an empty target and prints each restored table's rows and content hash.
 */
export async function restoreFromArgs(
  args: string[],
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { to: { type: 'string' }, 'to-data-dir': { type: 'string' } },
    allowPositionals: true,
  });
  const to = values.to ?? values['to-data-dir'];
  const [file] = positionals;
  if (!file || !to || positionals.length > 1 || (values.to && values['to-data-dir'])) throw new Error(USAGE);
  const result = await restoreBackup({ file, to });
  const { manifest } = result;
  for (const table of result.tables) out.write(`${table.table}\t${table.rows} rows\tmd5 ${table.md5}\n`);
  out.write(
    `restored ${manifest.database.kind} backup of ${manifest.createdAt} (${manifest.app.release}, migration ${result.migration}) into ${result.target}: ${result.tables.length} tables\n`,
  );
}

await runAsCli(import.meta.url, () => restoreFromArgs(process.argv.slice(2)));
