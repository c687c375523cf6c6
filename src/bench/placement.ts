// Where the latency benchmarks run. On a small machine the scheduler sometimes puts Node and the
// interpreter on one core (a round trip is then two context switches, ~17 us here) and sometimes
// on two (two cross-core wake-ups, ~55 us here), and it may choose differently for the raw echo
// and for fgrun: unpinned ratios are noise. So each latency figure is measured with placement
// fixed by CPU affinity (taskset), both ways: "2 cores" (Node's main thread on one CPU, every
// interpreter on another: the usual case on an idle multi-core machine) and "1 core" (all on one
// CPU: every microsecond of work on either side shows). Without taskset, or with one CPU, nothing
// is pinned and the figures say "as scheduled".
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

export interface Placement {
  /** Suffix of the figure ids ('' for the main placement). */
  suffix: string;
  label: string;
  /** CPU for Node's main thread and for the interpreters; null: not pinned. */
  hostCpu: number | null;
  pythonCpu: number | null;
}

const FREE: Placement = { suffix: '', label: 'as scheduled', hostCpu: null, pythonCpu: null };

// Set the CPU affinity of a process (all its threads, or only the one whose id is `pid`).
function taskset(pid: number, cpuList: string, allThreads: boolean): boolean {
  try {
    execFileSync('taskset', [...(allThreads ? ['-a'] : []), '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// The placements to measure latency in, main one first.
export function latencyPlacements(): Placement[] {
  const n = cpus().length;
  if (n < 2 || !taskset(process.pid, `0-${n - 1}`, false)) return [FREE];
  return [
    { suffix: '', label: '2 cores', hostCpu: 0, pythonCpu: 1 },
    { suffix: '@1core', label: '1 core', hostCpu: 0, pythonCpu: 0 },
  ];
}

// Pin Node's main thread (processes it spawns inherit its affinity). Its GC helper threads stay
// free: pinned with it, every scavenge runs on one core and the tail doubles.
export function pinHost(placement: Placement): void {
  if (placement.hostCpu !== null) taskset(process.pid, String(placement.hostCpu), false);
}

// Pin interpreters, every thread of each.
export function pinPython(placement: Placement, pids: number[]): void {
  if (placement.pythonCpu === null) return;
  for (const pid of pids) taskset(pid, String(placement.pythonCpu), true);
}

// Give Node's main thread every CPU back.
export function unpinHost(): void {
  const n = cpus().length;
  if (n > 1) taskset(process.pid, `0-${n - 1}`, false);
}
