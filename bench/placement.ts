// Pinned placements, the extra rows under the headline. Unpinned (the headline, where users run),
// the scheduler sometimes puts Node and the interpreter on one core (a round trip is then two
// context switches, ~17 us here) and sometimes on two (two cross-core wake-ups, ~55 us here). Pinned
// with CPU affinity (taskset), each way shows something the headline mixes: "2 cores" (Node's main
// thread on one CPU, every interpreter on another) shows the wake-ups, "1 core" (all on one CPU)
// shows every microsecond of work on either side. Without taskset, or with one CPU, there are none.
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

/** Not pinned: where the scheduler puts things. */
export const FREE: Placement = { suffix: '', label: 'unpinned', hostCpu: null, pythonCpu: null };

// Set the CPU affinity of a process (all its threads, or only the one whose id is `pid`).
function taskset(pid: number, cpuList: string, allThreads: boolean): boolean {
  try {
    execFileSync('taskset', [...(allThreads ? ['-a'] : []), '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// The pinned placements to measure latency in (none where pinning is impossible).
export function pinnedPlacements(): Placement[] {
  const n = cpus().length;
  if (n < 2 || !taskset(process.pid, `0-${n - 1}`, false)) return [];
  return [
    { suffix: '@2cores', label: '2 cores', hostCpu: 0, pythonCpu: 1 },
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
