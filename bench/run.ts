// Runs every benchmark for each runtime, in a fixed order, and gathers the figures.
import { cpus, loadavg, totalmem, release, platform } from 'node:os';
import type { Figure } from './figures.js';
import type { Plan } from './plan.js';
import { coldStarts } from './suites/cold.js';
import { cliStart } from './suites/cli.js';
import { headline } from './suites/headline.js';
import { httpFunction } from './suites/http.js';
import { sandboxCost } from './suites/sandbox.js';
import { contextCall, payloads, warmInvoke } from './suites/latency.js';
import { logHeavy } from './suites/logs.js';
import { hostMemory } from './suites/memory.js';
import { pools } from './suites/pool.js';
import { saturation } from './suites/saturation.js';
import { straceSyscalls } from './suites/syscalls.js';
import { FREE, pinnedPlacements, unpinHost, type Placement } from './placement.js';
import type { RuntimeInfo } from './fgrun.js';

export interface RuntimeResult {
  runtime: string;
  version: string;
  path: string;
  /** The pinned placements of the extra latency rows (none where pinning is impossible). */
  placements: string[];
  figures: Figure[];
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  os: string;
  node: string;
  /** 1, 5 and 15 minute load averages when the run started and when it ended. */
  load: { start: number[]; end: number[] };
}

export interface BenchResult {
  /** Shape version of this JSON. */
  format: 2;
  date: string;
  mode: 'full' | 'smoke';
  machine: Machine;
  runtimes: RuntimeResult[];
  skipped: { runtime: string; reason: string }[];
  targets: { total: number; passed: number; failed: string[] };
}

export interface RunOptions {
  /** Add serverless-offline's PythonRunner as a subject of the headline. */
  peer: boolean;
  /** Count every syscall per request by name with strace (the 'syscalls (strace)' suite). */
  strace: boolean;
}

type Suite = (runtime: RuntimeInfo, plan: Plan, options: RunOptions, placement: Placement) => Promise<Figure[]>;

/** The benchmarks, in the order they run and print. `placements`: run once in each pinned placement
 * ("pinned"), or once unpinned (the default). */
const SUITES: Array<{ name: string; run: Suite; placements?: 'pinned'; only?: keyof RunOptions }> = [
  { name: 'headline (unpinned, interleaved)', run: (r, p, o) => headline(r, p, o) },
  { name: 'syscalls (strace)', run: (r, p) => straceSyscalls(r, p), only: 'strace' },
  { name: 'warm invoke', run: (r, p, _o, pl) => warmInvoke(r, p, pl), placements: 'pinned' },
  { name: 'context call', run: (r, p, _o, pl) => contextCall(r, p, pl), placements: 'pinned' },
  { name: 'saturation', run: (r, p) => saturation(r, p) },
  { name: 'payloads', run: (r, p) => payloads(r, p, FREE) },
  // Before the suites that start and drop many instances and MBs of log: less garbage to settle.
  { name: 'host memory', run: (r, p) => hostMemory(r, p) },
  { name: 'cold start', run: (r, p) => coldStarts(r, p) },
  { name: 'CLI start-up', run: (r, p) => cliStart(r, p) },
  { name: 'pools', run: (r, p) => pools(r, p) },
  { name: 'log-heavy handler', run: (r, p) => logHeavy(r, p) },
  { name: 'HTTP function', run: (r, p) => httpFunction(r, p) },
  { name: '--sandbox', run: (r, p) => sandboxCost(r, p) },
];

export function machine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    load: { start: loadavg(), end: [] },
  };
}

// All suites for one runtime; `progress` hears each suite's name as it starts.
export async function runRuntime(runtime: RuntimeInfo, plan: Plan, options: RunOptions, progress: (suite: string) => void = () => {}): Promise<RuntimeResult> {
  const figures: Figure[] = [];
  const pinned = pinnedPlacements();
  for (const suite of SUITES) {
    if (suite.only && !options[suite.only]) continue;
    for (const placement of suite.placements === 'pinned' ? pinned : [FREE]) {
      progress(suite.placements === 'pinned' ? `${suite.name} [${placement.label}]` : suite.name);
      try {
        figures.push(...(await suite.run(runtime, plan, options, placement)));
      } finally {
        if (placement !== FREE) unpinHost();
      }
    }
  }
  return { runtime: runtime.runtime, version: runtime.version, path: runtime.path, placements: pinned.map((p) => p.label), figures };
}

// Count the targets met and name the ones missed ("Python3.12 warm.p50").
export function tally(runtimes: RuntimeResult[]): BenchResult['targets'] {
  const withTarget = runtimes.flatMap((r) => r.figures.filter((f) => f.target !== null).map((f) => ({ r, f })));
  const failed = withTarget.filter(({ f }) => f.pass === false).map(({ r, f }) => `${r.runtime} ${f.id}`);
  return { total: withTarget.length, passed: withTarget.length - failed.length, failed };
}
