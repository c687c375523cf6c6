// `npm run build` step: bundle the CLI (src/cli/run.ts, every module it reaches and the packages it
// imports) into one CommonJS file, dist/cli-bundle/fgrun.cjs, which bin/fgrun.cjs runs with V8's
// code cache. A command then compiles nothing it has compiled before, instead of resolving and compiling ~60 modules and their packages' hundreds of files (the largest
// part of `fgrun invoke`'s start, docs/performance.md). Each command's modules are still evaluated
// only when that command runs (esbuild turns the dynamic imports into lazy initializers). CommonJS,
// not ESM: Node 20 has no code cache for ES modules. Packages required through createRequire on
// first use (winston for the host's log, dotenv, yauzl) still load from node_modules.
// The library (dist/index.js) is not bundled. The bundle sits two folders deep, as dist/<area>/
// modules do, so paths resolved from import.meta.url (bootstrap/, package.json) still hold.
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// zod's namespace export (`z.locales`) evaluates all of its ~40 message locales at import (~12 ms of
// every command's start); fgrun uses only English, zod's default. The bundle gets an index of that one.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => {
      if (!args.importer.includes(`${join('node_modules', 'zod')}`)) return undefined;
      return { path: join(dirname(args.importer), args.path), namespace: 'zod-locales' };
    });
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};`,
      resolveDir: dirname(args.path),
    }));
  },
};
const out = join(root, 'dist', 'cli-bundle');
await rm(out, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'src', 'cli', 'run.ts')],
  outfile: join(out, 'fgrun.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  plugins: [zodEnglishOnly],
  // import.meta.url, which CommonJS lacks, is the bundle's own URL.
  define: { 'import.meta.url': '__fgrunBundleUrl' },
  banner: { js: "var __fgrunBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'linked',
  logLevel: 'warning',
});
