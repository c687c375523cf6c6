// Where an interpreter runs against the host (its state and CPU in /proc/<pid>/stat, the host's in
// /proc/self/stat, the system's runnable count in /proc/loadavg), for the host's linger
// (src/instance/linger.ts): on Linux only; elsewhere nothing is read and nothing is counted.
import { closeSync } from 'node:fs';
import { cpus } from 'node:os';
import { openOrClosed, pread } from './proc.js';

// The CPU a process last ran on and its state, from a /proc/<pid>/stat line (fields 3 and 39).
function cpuAndState(stat: string | null): { cpu: number; state: string } | null {
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = Number(fields[36]);
  return Number.isInteger(cpu) ? { cpu, state: fields[0]! } : null;
}

/** Whether an interpreter waits for the CPU the host runs on, with no CPU free to take it: three
 * preads of kept /proc files (~2 µs each), for the host's linger (instance/linger.ts) when a window
 * passed without the answer. */
export class Placement {
  private python: number;
  private host: number;
  private load: number;

  /** `cpus`: the CPUs the system runs tasks on (the runnable count below is the system's). */
  constructor(pid: number, private readonly cpus = onlineCpus()) {
    this.python = pid > 0 ? openOrClosed(`/proc/${pid}/stat`) : -1;
    this.host = openOrClosed(`/proc/self/stat`);
    this.load = openOrClosed('/proc/loadavg');
  }

  // The interpreter is runnable on the CPU the host's main thread runs on now, and more tasks are
  // runnable than there are CPUs (another process holds the others): it waits for the host's CPU and
  // no other can take it. Together with a CPU idle, the scheduler moves one of them soon: not this.
  together(): boolean {
    if (this.python < 0 || this.host < 0 || this.load < 0) return false;
    const python = cpuAndState(pread(this.python));
    const host = cpuAndState(pread(this.host));
    if (python === null || host === null || python.state !== 'R' || python.cpu !== host.cpu) return false;
    // /proc/loadavg: "1.00 0.50 0.25 <runnable>/<tasks> <last pid>".
    const runnable = Number(pread(this.load)?.split(' ')[3]?.split('/')[0]);
    return runnable > this.cpus;
  }

  close(): void {
    for (const fd of [this.python, this.host, this.load]) {
      if (fd >= 0) closeSync(fd);
    }
    this.python = -1;
    this.host = -1;
    this.load = -1;
  }
}

function onlineCpus(): number {
  return Math.max(1, cpus().length);
}
