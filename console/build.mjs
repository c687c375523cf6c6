// `npm run build` step: bundle the console (its TypeScript and the uPlot chart library, with their CSS)
// into dist/console, so the package serves it offline. esbuild does the bundling: one fast, dependency-
// free step that also strips the types; nothing it writes is committed.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'console');
await mkdir(out, { recursive: true });
await build({
  entryPoints: { app: join(here, 'src', 'main.ts'), styles: join(here, 'styles.css') },
  outdir: out,
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  legalComments: 'linked',
  logLevel: 'warning',
});
await copyFile(join(here, 'index.html'), join(out, 'index.html'));
await copyFile(join(here, 'favicon.svg'), join(out, 'favicon.svg'));
