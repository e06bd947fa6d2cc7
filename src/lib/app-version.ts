import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './project-root.js';

/** package.json's version: what /api/status reports, and the release when RELEASE is not set. */
export const APP_VERSION: string = (
  JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }
).version;

/** The release traces and error reports name: RELEASE, or `linguamate-api@<version>`. */
export const releaseOf = (env: { RELEASE?: string | undefined }): string =>
  env.RELEASE ?? `linguamate-api@${APP_VERSION}`;
