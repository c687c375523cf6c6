// Memory limit and deadline enforcement: resident memory (RSS) of each working instance's processes
// (the interpreter and the processes it started), sampled from /proc by one shared ticker, which
// also ends operations past their deadline (a per-request setTimeout/clearTimeout pair cost more
// than the rest of the host's timing work; a timeout fires at most one tick late) and keeps the
// event loop alive while anything works (so the instances' own handles stay unref'd).
//
// Why sampling and not cgroups or rlimits: a cgroup needs a writable, delegated hierarchy (root on
// most machines) and charges page cache; RLIMIT_AS limits address space, which Python overshoots
// by far (thread stacks, arenas) without touching it. Sampling is exact in what it reads and costs
// two pread() calls per working instance per tick (~3 µs). The ticker runs only while an instance
// works and stops after a quiet second, so a request that ends before the next tick pays one Set
// insertion and deletion, no timer. A spike shorter than a tick is not seen here, but the
// interpreter's own high-water mark (VmHWM, reset per request by the bootstrap) is checked when the
// request ends, so every request that went over its limit is answered `oom` (see instance.ts).
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** How often working instances are sampled. Kill latency is at most one tick plus the read. */
const MEMORY_SAMPLE_MS = 10;
/** Quiet ticks (nothing to watch) before the ticker stops itself. */
const QUIET_TICKS = 100;

const buffer = Buffer.alloc(4096);

// The kernel's page size in KiB, from this process's own RSS (Node has no sysconf).
function detectPageKb(): number {
  try {
    const pages = Number(readFileSync('/proc/self/statm', 'latin1').split(' ')[1]);
    const bytes = process.memoryUsage.rss();
    const size = 2 ** Math.round(Math.log2(bytes / pages));
    return size >= 4096 ? size / 1024 : 4;
  } catch {
    return 4;
  }
}
const PAGE_KB = detectPageKb();

// Read a small /proc file through a kept fd (pread at 0 regenerates it), or null once it is gone.
function pread(fd: number): string | null {
  try {
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('latin1', 0, n);
  } catch {
    return null;
  }
}

// Resident KiB of one process and its descendants (children of its main thread, recursively).
function treeKb(pid: number, depth = 0): number {
  let kb = 0;
  try {
    kb = Number(readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1]) * PAGE_KB;
    if (depth < 16) for (const child of childPids(readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1'))) kb += treeKb(child, depth + 1);
  } catch {
    // gone meanwhile
  }
  return kb;
}

function childPids(text: string | null): number[] {
  if (!text) return [];
  return text.split(' ').filter((s) => s.length > 0).map(Number);
}

/** The RSS reader of one interpreter process (its fds stay open while the instance lives). */
export class RssProbe {
  private statm = -1;
  private children = -1;

  constructor(pid: number) {
    if (pid <= 0) return;
    try {
      this.statm = openSync(`/proc/${pid}/statm`, 'r');
      this.children = openSync(`/proc/${pid}/task/${pid}/children`, 'r');
    } catch {
      // no /proc (not Linux) or already gone: the probe reads 0
    }
  }

  // Current RSS of the interpreter and every process it started, in KiB (0 when unknown).
  readKb(): number {
    const statm = this.statm >= 0 ? pread(this.statm) : null;
    if (statm === null) return 0;
    let kb = Number(statm.split(' ')[1]) * PAGE_KB;
    if (this.children >= 0) for (const child of childPids(pread(this.children))) kb += treeKb(child);
    return kb;
  }

  close(): void {
    for (const fd of [this.statm, this.children]) {
      if (fd >= 0) {
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
      }
    }
    this.statm = this.children = -1;
  }
}

/** One working instance under watch: its probe, its limit, the peak seen so far, its deadline. */
export interface Watch {
  probe: RssProbe;
  limitKb: number;
  peakKb: number;
  /** performance.now() after which the operation has timed out. */
  deadline: number;
  /** Called (once per tick at most) with the RSS that went over the limit; the watch ends. */
  onOver: (rssKb: number) => void;
  /** Called once the deadline has passed; the watch ends. */
  onDeadline: () => void;
}

const watched = new Set<Watch>();
let ticker: NodeJS.Timeout | null = null;
let quiet = 0;

let refed = false;

// Start watching a working instance.
export function watchMemory(watch: Watch): void {
  watched.add(watch);
  if (ticker === null) {
    quiet = 0;
    ticker = setInterval(tick, MEMORY_SAMPLE_MS);
    refed = true;
  } else if (!refed) {
    ticker.ref();
    refed = true;
  }
}

// Stop watching (the request ended); the ticker stops by itself once nothing is watched for a while.
export function unwatchMemory(watch: Watch): void {
  watched.delete(watch);
}

function tick(): void {
  if (watched.size === 0) {
    if (refed) {
      ticker?.unref();
      refed = false;
    }
    if (++quiet >= QUIET_TICKS && ticker) {
      clearInterval(ticker);
      ticker = null;
    }
    return;
  }
  quiet = 0;
  const now = performance.now();
  for (const watch of watched) {
    if (now >= watch.deadline) {
      watched.delete(watch);
      watch.onDeadline();
    } else {
      sample(watch);
    }
  }
}

// Sample one watch now: update its peak and report it if it is over the limit.
function sample(watch: Watch): void {
  const kb = watch.probe.readKb();
  if (kb > watch.peakKb) watch.peakKb = kb;
  if (kb > watch.limitKb) {
    watched.delete(watch);
    watch.onOver(kb);
  }
}
