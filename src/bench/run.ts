// Runs every benchmark for each runtime, in a fixed order, and gathers the figures.
import { cpus, totalmem, release, platform } from 'node:os';
import type { Figure } from './figures.js';
import type { Plan } from './plan.js';
import { coldStarts } from './suites/cold.js';
import { contextCall, payloads, warmInvoke } from './suites/latency.js';
import { logHeavy } from './suites/logs.js';
import { hostMemory } from './suites/memory.js';
import { pools } from './suites/pool.js';
import { latencyPlacements, unpinHost, type Placement } from './placement.js';
import type { RuntimeInfo } from '../runtimes/index.js';

export interface RuntimeResult {
  runtime: string;
  version: string;
  path: string;
  /** The placements the latency figures were measured in, main one first. */
  placements: string[];
  figures: Figure[];
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  os: string;
  node: string;
}

export interface BenchResult {
  /** Shape version of this JSON. */
  format: 1;
  date: string;
  mode: 'full' | 'smoke';
  machine: Machine;
  runtimes: RuntimeResult[];
  skipped: { runtime: string; reason: string }[];
  targets: { total: number; passed: number; failed: string[] };
}

export type Suite = (runtime: RuntimeInfo, plan: Plan) => Promise<Figure[]>;
export type PlacedSuite = (runtime: RuntimeInfo, plan: Plan, placement: Placement) => Promise<Figure[]>;

/** The benchmarks, in the order they run and print; `placed` ones run once per placement ("all") or
 * in the main placement only ("main"), the others unpinned (they need every core, or time processes). */
export const SUITES: Array<{ name: string; run: Suite } | { name: string; placed: PlacedSuite; in: 'all' | 'main' }> = [
  { name: 'warm invoke', placed: warmInvoke, in: 'all' },
  { name: 'context call', placed: contextCall, in: 'all' },
  { name: 'payloads', placed: payloads, in: 'main' },
  // Before the suites that start and drop many instances and MBs of log: less garbage to settle.
  { name: 'host memory', run: hostMemory },
  { name: 'cold start', run: coldStarts },
  { name: 'pools', run: pools },
  { name: 'log-heavy handler', run: logHeavy },
];

export function machine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
  };
}

// All suites for one runtime; `progress` hears each suite's name as it starts.
export async function runRuntime(runtime: RuntimeInfo, plan: Plan, progress: (suite: string) => void = () => {}): Promise<RuntimeResult> {
  const figures: Figure[] = [];
  const placements = latencyPlacements();
  for (const suite of SUITES) {
    if ('run' in suite) {
      progress(suite.name);
      figures.push(...(await suite.run(runtime, plan)));
      continue;
    }
    for (const placement of suite.in === 'all' ? placements : placements.slice(0, 1)) {
      progress(`${suite.name} [${placement.label}]`);
      try {
        figures.push(...(await suite.placed(runtime, plan, placement)));
      } finally {
        unpinHost();
      }
    }
  }
  return { runtime: runtime.runtime, version: runtime.version, path: runtime.path, placements: placements.map((p) => p.label), figures };
}

// Count the targets met and name the ones missed ("Python3.12 warm.p50").
export function tally(runtimes: RuntimeResult[]): BenchResult['targets'] {
  const withTarget = runtimes.flatMap((r) => r.figures.filter((f) => f.target !== null).map((f) => ({ r, f })));
  const failed = withTarget.filter(({ f }) => f.pass === false).map(({ r, f }) => `${r.runtime} ${f.id}`);
  return { total: withTarget.length, passed: withTarget.length - failed.length, failed };
}
