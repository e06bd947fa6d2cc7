import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/lib/project-root.js';

/** Builds the admin console into dist/admin before any browser test starts the service that serves it. */
export default function buildConsole(): void {
  execFileSync(process.execPath, [path.join(projectRoot, 'admin', 'build.mjs')], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
}
