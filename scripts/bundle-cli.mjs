// `npm run build` step: bundle the CLI (src/cli/run.ts, every module it reaches and the packages it
// imports) into dist/cli-bundle, which bin/fgrun.js runs. A command then loads a handful of files
// instead of ~60 modules and their packages' hundreds (resolution and per-file compilation were the
// biggest part of `fgrun invoke`'s start, docs/performance.md). Each command stays its own chunk
// (splitting), so `fgrun --help` loads none of them; a package imported on first use (winston for
// the serve log) is a chunk of its own, and those required through createRequire (winston for the
// host's log, dotenv, yauzl) still load from node_modules when first used.
// The library (dist/index.js) is not bundled. The output sits two folders deep, as dist/<area>/
// modules do, so paths resolved from import.meta.url (bootstrap/, package.json) still hold.
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'cli-bundle');
await rm(out, { recursive: true, force: true });
await build({
  entryPoints: { run: join(root, 'src', 'cli', 'run.ts') },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  // yaml is CommonJS imported on first use (a YAML config): a bundled chunk of it would export only
  // `default` to import(), where Node gives its named exports. It loads from node_modules instead.
  external: ['yaml'],
  // Bundled CommonJS packages call require() for Node's own modules: give them one.
  banner: { js: "import { createRequire as __fgrunRequire } from 'node:module'; const require = __fgrunRequire(import.meta.url);" },
  legalComments: 'linked',
  logLevel: 'warning',
});
