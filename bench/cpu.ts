// CPU time actually spent by processes, from the scheduler's own accounting: the first field of
// /proc/<pid>/task/<tid>/schedstat is the nanoseconds that thread ran. Summed over every thread
// (Node's GC and libuv threads count) and, for a subject, over its whole process tree. It is the
// figure that noise disturbs least: another process on the machine delays a request, it does not
// make it cost more CPU (cache effects aside).
import { readdirSync, readFileSync } from 'node:fs';

// Nanoseconds of CPU every thread of `pid` has run so far (0 once it is gone, or without /proc).
export function processCpuNs(pid: number | 'self'): number {
  let ns = 0;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const tid of tasks) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return ns;
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
