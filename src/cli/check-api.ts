import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compareSnapshots } from '../lib/api-schema/compare.js';
import { stableJson } from '../lib/api-schema/json-schema.js';
import { type CheckReport, formatComparison } from '../lib/api-schema/report.js';
import type { ApiSnapshot } from '../lib/api-schema/snapshot.js';
import { projectRoot } from '../lib/project-root.js';
import { SNAPSHOT_FILE } from '../trpc/api-version.js';

/**
 * `npm run check:api` (docs/api-versioning.md): fails when the router breaks the committed contract
 * snapshot, when the snapshot is stale (regenerate it with `npm run api:snapshot`), or when the committed
 * snapshot breaks the one before it in git history without a major version bump.
 * `--before A.json --after B.json` compares two snapshot files instead.
 */
const { values } = parseArgs({ options: { before: { type: 'string' }, after: { type: 'string' } } });
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as ApiSnapshot;
const relative = path.relative(projectRoot, SNAPSHOT_FILE);

function previousSnapshot(): { label: string; snapshot: ApiSnapshot } | string {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const modified = git('status', '--porcelain', '--', relative).trim() !== '';
    const commits = git('log', '-n', '2', '--format=%H', '--', relative).split('\n').filter(Boolean);
    const base = modified ? commits[0] : commits[1];
    if (!base) return 'no earlier snapshot in git history';
    return {
      label: `snapshot of ${base.slice(0, 12)} -> committed`,
      snapshot: JSON.parse(git('show', `${base}:${relative}`)),
    };
  } catch {
    return 'not a git checkout (or a shallow one): history not compared';
  }
}

async function check(): Promise<CheckReport[]> {
  if (values.before || values.after) {
    if (!values.before || !values.after) throw new Error('--before and --after go together');
    return [formatComparison('before -> after', compareSnapshots(read(values.before), read(values.after)))];
  }
  // Loaded only here: comparing two files needs neither the router nor the TypeScript compiler.
  const { currentSnapshot } = await import('../trpc/api-snapshot.js');
  const tree = currentSnapshot();
  if (!existsSync(SNAPSHOT_FILE))
    return [{ ok: false, lines: [`${relative} is missing: run \`npm run api:snapshot\` and commit it`] }];
  const committed = read(SNAPSHOT_FILE);
  const reports = [formatComparison('committed snapshot -> tree', compareSnapshots(committed, tree))];
  if (stableJson(committed) !== stableJson(tree))
    reports.push({
      ok: false,
      lines: [`${relative} is stale: run \`npm run api:snapshot\` and commit the file with the change`],
    });
  const previous = previousSnapshot();
  if (typeof previous === 'string') reports.push({ ok: true, lines: [previous] });
  else reports.push(formatComparison(previous.label, compareSnapshots(previous.snapshot, committed)));
  return reports;
}

const reports = await check();
const ok = reports.every((report) => report.ok);
const text = `${reports.flatMap((report) => report.lines).join('\n')}\ncheck:api: ${ok ? 'passed' : 'FAILED (see docs/api-versioning.md)'}\n`;
if (ok) process.stdout.write(text);
else {
  process.stderr.write(text);
  process.exitCode = 1;
}
