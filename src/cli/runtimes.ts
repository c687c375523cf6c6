// `fgrun runtimes`: every supported runtime and the interpreter found for it, or why there is none.
import './one-shot.js';
import { Command } from 'commander';
import { commandDescription } from './descriptions.js';
import { BUNDLED, BUNDLED_SOURCE, layerFolder, readLayer } from '../bundled/index.js';
import { inspectRuntimes, runtimeEnvVar, type RuntimeReport } from '../runtimes/index.js';
import type { Io } from './io.js';
import { table } from './table.js';
import { sandboxStatusLine } from '../sandbox/index.js';

// The `runtimes` command.
export function runtimesCommand(io: Io): Command {
  return new Command('runtimes')
    .description(commandDescription('runtimes'))
    .option('--json', 'print [{runtime, path, version, source}] (null for a runtime not found, with its reason)')
    .option('--verbose', 'also list every candidate looked at for each runtime, in order, and why it was taken or refused')
    .action(async (flags: { json?: boolean; verbose?: boolean }) => {
      const reports = await inspectRuntimes();
      const clouds = flags.verbose ? await Promise.all(reports.map(cloudFacts)) : [];
      if (flags.json) {
        const rows = reports.map((r, i) => ({
          ...(r.found
            ? { runtime: r.runtime, path: r.found.path, version: r.found.version, source: r.found.source }
            : { runtime: r.runtime, path: null, version: null, source: null, reason: r.reason }),
          ...(flags.verbose ? { tried: r.tried, ...clouds[i]!.json } : {}),
        }));
        io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      } else {
        const rows = reports.map((r) => r.found
          ? [r.runtime, r.found.version, r.found.source, r.found.path]
          : [r.runtime, '-', '-', `not found: ${r.reason ?? 'no interpreter'} (set ${runtimeEnvVar(r.runtime)})`]);
        io.stdout.write(table(['RUNTIME', 'VERSION', 'SOURCE', 'INTERPRETER'], rows));
        if (flags.verbose) io.stdout.write(reports.map((r, i) => candidatesTried(r) + clouds[i]!.text).join('') + '\n' + sandboxStatusLine());
      }
      io.exitCode = reports.some((r) => r.found) ? 0 : 1;
    });
}

// What the cloud runs for a report's runtime (its interpreter version, when published) and the state
// of the local bundled layer (docs/build.md, "Bundled libraries").
async function cloudFacts(report: RuntimeReport): Promise<{ text: string; json: Record<string, unknown> }> {
  const bundled = BUNDLED[report.runtime];
  const local = report.found?.version;
  const python = bundled.cloudPython === null ? 'the cloud does not publish its patch version'
    : local === undefined || local === bundled.cloudPython ? `the cloud runs Python ${bundled.cloudPython}`
    : `the cloud runs Python ${bundled.cloudPython}; this interpreter is ${local}: the patch version differs`;
  const total = bundled.libraries.length;
  if (!report.found) return { text: `  ${python}\n`, json: { cloudPython: bundled.cloudPython, bundled: null } };
  const folder = layerFolder(report.found, process.env);
  const layer = await readLayer(folder);
  const installed = layer?.installed.length ?? 0;
  const state = layer ? `${installed} of ${total} installed in ${folder}/site` : `not installed (${total} libraries)`;
  const fix = installed < total ? `; run \`fgrun build --bundled --runtime ${report.runtime}\`` : '';
  return {
    text: `  ${python}\n  bundled libraries (${BUNDLED_SOURCE}): ${state}${fix}\n`,
    json: { cloudPython: bundled.cloudPython, bundled: { installed, total, folder: layer ? `${folder}/site` : null } },
  };
}

// "Python3.9: ..." then one line per candidate in discovery order: '+' taken, '-' refused, and why.
function candidatesTried(report: RuntimeReport): string {
  const verdict = report.found ? `${report.found.version} from ${report.found.source}` : `not found (set ${runtimeEnvVar(report.runtime)})`;
  const rows = report.tried.map((t, i) => {
    const taken = report.found !== null && i === report.tried.length - 1;
    return [`  ${taken ? '+' : '-'}`, t.source, t.candidate, t.outcome];
  });
  return `\n${report.runtime}: ${verdict}\n` + table(['   ', 'SOURCE', 'CANDIDATE', 'OUTCOME'], rows);
}
