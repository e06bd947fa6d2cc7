import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { projectRoot } from '../../lib/project-root.js';
import { ADMIN_CONTENT_SECURITY_POLICY } from '../edge/security-headers.js';
import { errorResponse } from '../errors.js';
import { respond } from '../respond.js';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
}

export interface AdminConsoleOptions {
  /** The built console (admin/build.mjs): index.html and assets/. Default: dist/admin under the project. */
  directory?: string;
}

/**
 * `/admin`: the admin console, a single page whose files are read once, at start-up, from the build
 * (`npm run build`). Asset names carry a content hash, so they are cached for a year; the page itself is
 * revalidated every time, so a deployment shows at once. Who may use it is the API's business: every admin
 * procedure requires the admin role. Without a build, every console path answers 503 SERVICE_UNAVAILABLE
 * saying so (the API itself works without the console).
 */
export function createAdminConsoleRoutes(options: AdminConsoleOptions = {}): Hono {
  const directory = options.directory ?? path.join(projectRoot, 'dist', 'admin');
  const routes = new Hono();
  const indexFile = path.join(directory, 'index.html');
  if (!existsSync(indexFile)) {
    const notBuilt = () =>
      errorResponse('SERVICE_UNAVAILABLE', 'The admin console is not built: run `npm run build`');
    return routes.get('/', notBuilt).get('/*', notBuilt);
  }
  const page = new Uint8Array(readFileSync(indexFile));
  const assets = new Map<string, Asset>();
  const assetsDirectory = path.join(directory, 'assets');
  for (const name of existsSync(assetsDirectory) ? readdirSync(assetsDirectory) : []) {
    const contentType = CONTENT_TYPES[path.extname(name)];
    if (contentType)
      assets.set(name, { body: new Uint8Array(readFileSync(path.join(assetsDirectory, name))), contentType });
  }

  // The edge also sets this policy on everything under /admin (errors included); the route's own header
  // keeps it wherever the console is mounted.
  const headers = (cacheControl: string) => ({
    'content-security-policy': ADMIN_CONTENT_SECURITY_POLICY,
    'cache-control': cacheControl,
  });
  const servePage = () => respond(page, 200, 'text/html; charset=utf-8', headers('no-cache'));
  return routes.get('/', servePage).get('/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return errorResponse('NOT_FOUND', 'No such file of the admin console');
    return respond(asset.body, 200, asset.contentType, headers('public, max-age=31536000, immutable'));
  });
}
