// `npm run test:load [-- RUNS]`: the test suite under load, as issue reports found it flaky: two CPU hogs
// (`yes > /dev/null`, one per core of a 2-core machine) beside `vitest run`, RUNS times in a row
// (default 1). Prints each run's outcome, duration and failed tests, and exits 1 if any run failed.
// Run `npm run build` first (the suite's CLI tests run the built bundle).
import { spawn } from 'node:child_process';

const runs = Number(process.argv[2] ?? 1);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`test:load: RUNS must be a whole number of at least 1, got ${process.argv[2]}`);
  process.exit(2);
}
const hogs = [0, 1].map(() => spawn('sh', ['-c', 'exec yes > /dev/null'], { stdio: 'ignore' }));
const stopHogs = () => { for (const hog of hogs) hog.kill('SIGKILL'); };
process.on('exit', stopHogs);
process.on('SIGINT', () => process.exit(130));

// One `vitest run`, its output passed through; resolves with its exit code and failed tests' names.
function vitestRun() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; process.stdout.write(chunk); });
    child.on('exit', (code) => {
      const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
      const failed = [...new Set(plain.split('\n').filter((l) => /^\s*(FAIL|×)\s/.test(l)).map((l) => l.trim()))];
      resolve({ code: code ?? 1, failed });
    });
  });
}

const outcomes = [];
for (let i = 1; i <= runs; i++) {
  const started = Date.now();
  const { code, failed } = await vitestRun();
  outcomes.push({ run: i, ok: code === 0, seconds: Math.round((Date.now() - started) / 1000), failed });
}
console.log('\ntest:load, two CPU hogs beside the suite:');
for (const o of outcomes) console.log(`  run ${o.run}: ${o.ok ? 'passed' : 'FAILED'} in ${o.seconds} s${o.failed.length ? `\n    ${o.failed.join('\n    ')}` : ''}`);
const bad = outcomes.filter((o) => !o.ok).length;
console.log(`${runs - bad} passed, ${bad} failed`);
process.exit(bad ? 1 : 0);
