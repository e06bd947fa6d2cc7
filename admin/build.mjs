// Builds the admin console (admin/src, admin/styles.css, admin/index.html) into dist/admin: esbuild bundles
// the TypeScript and the CSS into content-hashed files under assets/, and index.html is written with their
// names. Run by `npm run build` after tsc; the browser tests run it before they start.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.join(here, '..', 'dist', 'admin');

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
const result = await esbuild.build({
  entryPoints: { app: path.join(here, 'src', 'main.ts'), styles: path.join(here, 'styles.css') },
  outdir: path.join(outdir, 'assets'),
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'esm',
  target: ['chrome120', 'firefox120', 'safari17'],
  metafile: true,
  logLevel: 'warning',
});

/** The hashed file name esbuild wrote for an entry point. */
const outputOf = (entry) => {
  const [file] = Object.entries(result.metafile.outputs).find(
    ([, output]) => output.entryPoint && path.basename(output.entryPoint) === entry,
  );
  return path.basename(file);
};

const template = await readFile(path.join(here, 'index.html'), 'utf8');
const html = template
  .replace('{{app}}', `/admin/assets/${outputOf('main.ts')}`)
  .replace('{{styles}}', `/admin/assets/${outputOf('styles.css')}`);
await writeFile(path.join(outdir, 'index.html'), html);
process.stdout.write(`admin console built into ${path.relative(process.cwd(), outdir) || outdir}\n`);
