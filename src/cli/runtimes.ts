// `fgrun runtimes`: every supported runtime and the interpreter found for it, or why there is none.
import './one-shot.js';
import { Command } from 'commander';
import { commandDescription } from './commands.js';
import { inspectRuntimes, runtimeEnvVar } from '../runtimes/index.js';
import type { Io } from './io.js';
import { table } from './table.js';

// The `runtimes` command.
export function runtimesCommand(io: Io): Command {
  return new Command('runtimes')
    .description(commandDescription('runtimes'))
    .option('--json', 'print [{runtime, path, version, source}] (null for a runtime not found, with its reason)')
    .action(async (flags: { json?: boolean }) => {
      const reports = await inspectRuntimes();
      if (flags.json) {
        const rows = reports.map((r) => r.found
          ? { runtime: r.runtime, path: r.found.path, version: r.found.version, source: r.found.source }
          : { runtime: r.runtime, path: null, version: null, source: null, reason: r.reason });
        io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      } else {
        const rows = reports.map((r) => r.found
          ? [r.runtime, r.found.version, r.found.source, r.found.path]
          : [r.runtime, '-', '-', `not found: ${r.reason ?? 'no interpreter'} (set ${runtimeEnvVar(r.runtime)})`]);
        io.stdout.write(table(['RUNTIME', 'VERSION', 'SOURCE', 'INTERPRETER'], rows));
      }
      io.exitCode = reports.some((r) => r.found) ? 0 : 1;
    });
}
