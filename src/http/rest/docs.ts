import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Hono } from 'hono';
import { respond } from '../respond.js';
import { REST_BASE_PATH } from './document.js';

/** Where the documentation page is served; the edge gives this prefix its own CSP (app.ts). */
export const DOCS_PATH = '/api/docs';

const require = createRequire(import.meta.url);

/** The Swagger UI files the page loads, read once from the swagger-ui-dist package (a dependency). */
function readSwaggerUi(): { script: string; styles: string } {
  const directory = (require('swagger-ui-dist/absolute-path.js') as () => string)();
  return {
    script: readFileSync(join(directory, 'swagger-ui-bundle.js'), 'utf8'),
    styles: readFileSync(join(directory, 'swagger-ui.css'), 'utf8'),
  };
}

let swaggerUi: { script: string; styles: string } | undefined;

// A file of its own, not an inline script: the page's policy allows scripts from this origin only.
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '${REST_BASE_PATH}/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Linguamate API for integrators</title>
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;

const ASSET_CACHE = { 'cache-control': 'public, max-age=86400' };

/**
 * The documentation page of the REST API: Swagger UI, from the package's own files served here (no CDN),
 * reading /api/v1/openapi.json. Its strict Content-Security-Policy comes from the edge by prefix.
 */
export function createDocsRoutes(): Hono {
  swaggerUi ??= readSwaggerUi();
  const { script, styles } = swaggerUi;
  return new Hono()
    .get('/', () => respond(PAGE, 200, 'text/html; charset=utf-8'))
    .get('/swagger-ui.css', () => respond(styles, 200, 'text/css; charset=utf-8', ASSET_CACHE))
    .get('/swagger-ui-bundle.js', () => respond(script, 200, 'text/javascript; charset=utf-8', ASSET_CACHE))
    .get('/init.js', () => respond(INIT_SCRIPT, 200, 'text/javascript; charset=utf-8', ASSET_CACHE));
}
