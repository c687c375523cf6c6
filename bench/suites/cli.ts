// The CLI as whole processes, wall time until exit, alternating: `fgrun --help` against
// `node -e 0`, and `fgrun invoke examples/hello` against `node -e 0` plus `python -c pass`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RuntimeInfo } from '../fgrun.js';
import { figure, type Figure } from '../figures.js';
import { timeMs } from '../measure.js';
import type { Plan } from '../plan.js';
import { summarize } from '../stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FGRUN = ROOT + 'bin/fgrun.cjs';
const HELLO = ROOT + 'examples/hello';

// Run a command to its exit; milliseconds of wall time. A failure is an error: it would measure the wrong thing.
function run(command: string, args: string[]): Promise<number> {
  return timeMs(() => new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', cwd: ROOT });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  }));
}

export async function cliStart(runtime: RuntimeInfo, plan: Plan): Promise<Figure[]> {
  const commands = {
    node: () => run(process.execPath, ['-e', '0']),
    python: () => run(runtime.path, ['-c', 'pass']),
    help: () => run(process.execPath, [FGRUN, '--help']),
    invoke: () => run(process.execPath, [FGRUN, 'invoke', HELLO, '--runtime', runtime.runtime]),
  };
  const names = Object.keys(commands) as Array<keyof typeof commands>;
  const times = { node: [] as number[], python: [] as number[], help: [] as number[], invoke: [] as number[] };
  // One of each first (but in a smoke run): the page cache and fgrun's runtime cache are then warm.
  if (plan.cliRuns > 1) for (const name of names) await commands[name]();
  for (let i = 0; i < plan.cliRuns; i++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length]!;
      times[name].push(await commands[name]());
    }
  }
  const node = summarize(times.node).p50;
  const python = summarize(times.python).p50;
  return [
    figure('cli.help', "'fgrun --help' wall p50", 'ms', summarize(times.help).p50, { label: "'node -e 0'", value: node }, plan.cliRuns),
    figure('cli.invoke', "'fgrun invoke examples/hello' wall p50", 'ms', summarize(times.invoke).p50, { label: "'node -e 0' + 'python -c pass'", value: node + python }, plan.cliRuns),
  ];
}
