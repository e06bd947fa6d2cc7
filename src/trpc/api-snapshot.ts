import path from 'node:path';
import { buildSnapshot } from '../lib/api-schema/snapshot.js';
import { projectRoot } from '../lib/project-root.js';
import { API_MAJOR_VERSION } from './api-version.js';
import { appRouter } from './router.js';

/** The committed snapshot of the API's contract (docs/api-versioning.md). */
export const SNAPSHOT_FILE = path.join(projectRoot, 'contract', 'api-snapshot.json');

/** The snapshot of the router as the tree defines it now. */
export function currentSnapshot() {
  return buildSnapshot(
    appRouter._def.procedures as Record<string, unknown>,
    { root: projectRoot, module: 'src/trpc/router.ts', typeName: 'AppRouter' },
    API_MAJOR_VERSION,
  );
}
