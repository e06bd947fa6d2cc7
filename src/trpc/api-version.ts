import path from 'node:path';
import { projectRoot } from '../lib/project-root.js';

/**
 * The major version of the tRPC API. Version 1 is the app's contract (docs/api-versioning.md): changes to
 * it are additive only. Raising this number is the one way to make a breaking change (a procedure removed
 * after its sunset, a field dropped): `npm run check:api` accepts breaking changes between snapshots of
 * different major versions, and reviewers see the bump.
 */
export const API_MAJOR_VERSION = 1;

/**
 * The committed snapshot of the API's contract, written by `npm run api:snapshot`. Read only by that
 * command, `check:api` and the tests, never by the running service: the image does not ship it (the
 * Dockerfile check of test/deploy takes `path.join(projectRoot, …)` literals for run-time files).
 */
export const SNAPSHOT_FILE = path.resolve(projectRoot, 'contract/api-snapshot.json');
