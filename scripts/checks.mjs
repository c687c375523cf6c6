// `npm test`'s steps before vitest, in two lanes at once (a 2-core machine: tsc is single-threaded):
//   build, then the type check of src/test/bench  |  the console's type check, knip, dpdm
// Each lane runs its npm scripts in order and stops at the first that fails; each script's output is
// printed whole when it ends, so two lanes never interleave lines. Exits 1 if any script failed.
// Sequentially these steps took 31-40 s here; in two lanes 33 s under load, 18 s with a warm tsc cache (docs/testing.md).
import { spawn } from 'node:child_process';

const LANES = [
  ['build', 'typecheck:node'],
  ['typecheck:console', 'knip', 'cycles'],
];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// One npm script, its stdout and stderr kept together; resolves with whether it passed.
function script(name) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(npm, ['run', '--silent', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => output.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(`> npm run ${name}: ${code === 0 ? 'ok' : `failed (exit ${code})`} in ${seconds} s\n`);
      process.stdout.write(Buffer.concat(output));
      resolve(code === 0);
    });
  });
}

async function lane(names) {
  for (const name of names) if (!(await script(name))) return false;
  return true;
}

const passed = await Promise.all(LANES.map(lane));
process.exit(passed.every(Boolean) ? 0 : 1);
