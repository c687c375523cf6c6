// Entry of the CLI bundle (scripts/bundle-cli.mjs), which bin/fgrun.cjs runs.
// Not a top-level await: the bundle is CommonJS, so that V8 can cache its compiled code.
import { main } from './main.js';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
