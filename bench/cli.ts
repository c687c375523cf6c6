// `npm run bench`: parse flags, pick runtimes, run, print the table, write the JSON.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { peerMissing } from './peer.js';
import { straceMissing } from './strace.js';
import { FULL_PLAN, SMOKE_PLAN } from './plan.js';
import { formatReport, runtimeTable } from './report.js';
import { machine, runRuntime, tally, type BenchResult, type RuntimeResult } from './run.js';
import { inspectRuntimes, normalizeRuntimeId, RUNTIME_IDS, type RuntimeId, type RuntimeReport } from './fgrun.js';

/** Benchmarked unless --all or --runtime says otherwise. */
export const DEFAULT_RUNTIMES: readonly RuntimeId[] = ['Python2.7', 'Python3.12'];
const DEFAULT_OUT = 'bench-results.json';

export const USAGE = `usage: npm run bench -- [--all | --runtime <id>...] [--peer] [--strace] [--out <file>] [--smoke] [--strict]
  --all            every supported runtime found (default: ${DEFAULT_RUNTIMES.join(' and ')})
  --runtime <id>   a runtime to benchmark (repeatable), one of ${RUNTIME_IDS.join(', ')}
  --peer           add serverless-offline 14's Python runner to the headline (npm i --no-save serverless-offline@14)
  --strace         count every syscall per warm request by name on each side with strace (fgrun vs the raw echo)
  --out <file>     where to write the JSON results (default: ${DEFAULT_OUT})
  --smoke          a few calls per benchmark, first runtime only: proves the bench runs (CI); the figures mean nothing
  --strict         exit 1 when a target is missed
`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const stdio: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

// The runtimes to run (from the reports), or a usage message.
function pick(reports: RuntimeReport[], all: boolean, wanted: string[]): { run: RuntimeReport[] } | { usage: string } {
  if (all) return { run: reports };
  const ids: RuntimeId[] = [];
  for (const w of wanted) {
    const id = normalizeRuntimeId(w);
    if (id === null) return { usage: `--runtime ${w}: not a supported runtime; use one of ${RUNTIME_IDS.join(', ')}` };
    if (!ids.includes(id)) ids.push(id);
  }
  const chosen = ids.length ? ids : DEFAULT_RUNTIMES;
  return { run: reports.filter((r) => chosen.includes(r.runtime)) };
}

// Returns the exit code: 0, 1 (a target missed under --strict, or no runtime to measure), 2 (usage).
export async function main(argv: string[], io: CliIo = stdio): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        all: { type: 'boolean', default: false },
        runtime: { type: 'string', multiple: true, default: [] },
        out: { type: 'string', default: DEFAULT_OUT },
        smoke: { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
        peer: { type: 'boolean', default: false },
        strace: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  if (args.all && args.runtime.length) {
    io.err(`--all and --runtime cannot be combined: pick one\n${USAGE}`);
    return 2;
  }
  const picked = pick(await inspectRuntimes(), args.all, args.runtime);
  if ('usage' in picked) {
    io.err(`${picked.usage}\n${USAGE}`);
    return 2;
  }
  const missing = args.peer ? peerMissing() : null;
  if (missing) {
    io.err(`--peer: ${missing}\n`);
    return 2;
  }
  const noStrace = args.strace ? straceMissing() : null;
  if (noStrace) {
    io.err(`--strace: ${noStrace}\n`);
    return 2;
  }
  const plan = args.smoke ? SMOKE_PLAN : FULL_PLAN;
  // Smoke: the first runtime found is enough to prove every suite runs.
  const chosen = args.smoke ? picked.run.filter((r) => r.found).slice(0, 1) : picked.run;
  const date = new Date().toISOString();
  const host = machine();
  const runtimes: RuntimeResult[] = [];
  const skipped: BenchResult['skipped'] = [];
  for (const report of chosen) {
    if (!report.found) {
      skipped.push({ runtime: report.runtime, reason: report.reason ?? 'not found' });
      continue;
    }
    const result = await runRuntime(report.found, plan, { peer: args.peer, strace: args.strace }, (suite) => io.err(`${report.runtime}: ${suite}...\n`));
    io.err(runtimeTable(result));
    runtimes.push(result);
  }
  const result: BenchResult = {
    format: 2, date, mode: args.smoke ? 'smoke' : 'full', machine: host,
    runtimes, skipped, targets: tally(runtimes),
  };
  host.load.end = loadavg();
  const out = resolve(args.out);
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  io.out(formatReport(result));
  io.out(`results: ${out}\n`);
  if (runtimes.length === 0) {
    io.err('no runtime to benchmark: install one of the runtimes above or point FGRUN_PYTHON_X_Y at an interpreter\n');
    return 1;
  }
  return args.strict && result.targets.failed.length ? 1 : 0;
}
