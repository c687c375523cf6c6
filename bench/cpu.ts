// CPU time actually spent by processes, from the scheduler's own accounting: the first field of
// /proc/<pid>/task/<tid>/schedstat is the nanoseconds that thread ran. Summed over every thread
// (Node's GC and libuv threads count) and, for a subject, over its whole process tree. It is the
// figure that noise disturbs least: another process on the machine delays a request, it does not
// make it cost more CPU (cache effects aside).
import { readdirSync, readFileSync } from 'node:fs';

// Nanoseconds of CPU every thread of `pid` has run so far (0 once it is gone, or without /proc).
export function processCpuNs(pid: number | 'self'): number {
  const { main, others } = threadCpuNs(pid);
  return main + others;
}

// The same, split: the main thread (its tid is the pid) and every other thread (for Node: the GC,
// libuv's pool, the inspector; for Python: the function's own threads).
export function threadCpuNs(pid: number | 'self'): { main: number; others: number } {
  const out = { main: 0, others: 0 };
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  const mainTid = String(pid === 'self' ? process.pid : pid);
  for (const tid of tasks) {
    try {
      const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
      if (tid === mainTid) out.main += ns;
      else out.others += ns;
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

// Read- and write-type syscalls a process has made so far (/proc/<pid>/io syscr + syscw: read,
// pread, readv, write, pwrite, writev, sendfile...; not ioctl or getrusage), 0 once it is gone.
export function processSyscalls(pid: number | 'self'): number {
  try {
    const text = readFileSync(`/proc/${pid}/io`, 'latin1');
    const field = (name: string) => Number(/^(?:\w+): (\d+)$/m.exec(text.slice(text.indexOf(`${name}:`)))?.[1] ?? 0);
    return field('syscr') + field('syscw');
  } catch {
    return 0;
  }
}

// The same over a process and all its descendants.
export function treeSyscalls(pid: number, depth = 0): number {
  let n = processSyscalls(pid);
  if (depth < 8) for (const child of childrenOf(pid)) n += treeSyscalls(child, depth + 1);
  return n;
}

// The pids of a process's children (of every thread), from /proc.
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1').trim();
      if (text) for (const child of text.split(' ')) out.push(Number(child));
    }
  } catch {
    // gone
  }
  return out;
}

// CPU nanoseconds of a process and all its descendants.
export function treeCpuNs(pid: number, depth = 0): number {
  let ns = processCpuNs(pid);
  if (depth < 8) for (const child of childrenOf(pid)) ns += treeCpuNs(child, depth + 1);
  return ns;
}

/** Whether this machine has per-thread schedstat (Linux with /proc). */
export const HAS_SCHEDSTAT = processCpuNs('self') > 0;

// The CPU a process's main thread last ran on (field 39 of /proc/<pid>/task/<pid>/stat), -1 when gone.
export function lastCpu(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[36]);
  } catch {
    return -1;
  }
}
