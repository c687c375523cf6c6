// Memory limit and deadline enforcement: resident memory (RSS) of each working instance's processes
// (the interpreter and every process it started: platform/proc.ts RssProbe), sampled by one shared ticker, which
// also ends operations past their deadline (a per-request setTimeout/clearTimeout pair cost more
// than the rest of the host's timing work; a timeout fires at most one tick late) and keeps the
// event loop alive while anything works (so the instances' own handles stay unref'd).
//
// Why sampling and not the cgroup memory controller or rlimits: the controller is rarely delegated
// and charges page cache (docs/instances.md); RLIMIT_AS limits address space, which Python
// overshoots by far (thread stacks, arenas) without touching it. Sampling is exact in what it reads
// and costs a pread() or two per working instance per tick. The ticker runs only while an instance
// works and stops after a quiet second, so a request that ends before the next tick pays one Set
// insertion and deletion, no timer. A watch is sampled from the second tick after it began: an
// operation younger than a tick is not read at all (a warm stream of short requests costs no /proc
// read; a tick read one per request in flight, ~1 us per request in the bench), which is sound because
// its end reads the interpreter's own peak anyway. A spike shorter than a tick is not seen here, but the
// interpreter's own high-water mark (VmHWM, reset per request by the bootstrap) is checked when the
// request ends, so every request that went over its limit is answered `oom` (see instance.ts).
import { performance } from 'node:perf_hooks';
import { cpuBudget, readPeakKb, RssProbe } from '../platform/index.js';
import type { EndReason } from './outcomes.js';

/** How often working instances are sampled. Kill latency is at most two ticks plus the read. */
const MEMORY_SAMPLE_MS = 10;
/** Quiet ticks (nothing to watch) before the ticker stops itself. */
const QUIET_TICKS = 100;

/** One working instance under watch: its probe, its limit, the peak seen so far, its deadline. */
export interface Watch {
  probe: RssProbe;
  limitKb: number;
  peakKb: number;
  /** performance.now() after which the operation has timed out. */
  deadline: number;
  /** The ticker's count when the watch began: a watch is sampled from the tick after its first on. */
  since: number;
  /** Called (once per tick at most) with the RSS that went over the limit; the watch ends. */
  onOver: (rssKb: number) => void;
  /** Called once the deadline has passed; the watch ends. */
  onDeadline: () => void;
}

// The watch of an event function's instance (`pid`, and its cgroup's `procsPath` where it has
// one) against its memory size, ending its operation through `end`: oom with the highest of the
// sample that crossed the limit, the peak sampled before and the interpreter's VmHWM; timeout with
// the peak so far.
export function instanceWatch(pid: number, procsPath: string | null, memorySizeMb: number, end: (reason: EndReason) => void): Watch {
  const watch: Watch = {
    probe: new RssProbe(pid, procsPath), limitKb: memorySizeMb * 1024, peakKb: 0, deadline: Infinity, since: 0,
    onOver: (kb) => end({ kind: 'oom', peakKb: Math.max(kb, watch.peakKb, readPeakKb(pid)), limitMb: memorySizeMb }),
    onDeadline: () => end({ kind: 'timeout', peakKb: Math.max(readPeakKb(pid), watch.peakKb) }),
  };
  return watch;
}

// The working instances' watches: an array, not a Set. One watch joins and leaves it per request,
// and a Set that grows to one entry and shrinks to none rehashes on every request (~0.7 us).
const watched: Watch[] = [];
let ticker: NodeJS.Timeout | null = null;
let quiet = 0;
/** Ticks so far: a watch that began since the last tick is younger than one tick. */
let ticks = 0;

let refed = false;

/** Whether this host may keep two CPUs busy (its affinity and its cgroups' quota allow it); read at first use. */
let multicore: boolean | undefined;

// Whether the operation just begun is the only one working in this host, which has another CPU
// for it: its interpreter may then linger for the next request after its result (the invoke
// frame's `linger`, bootstrap/fgrun_linger.py) without taking a CPU anything else here needs.
// Lingering keeps both sides running, two CPUs, so a quota under two rules it out (cpu-budget.ts).
export function soleWorker(): boolean {
  return watched.length === 1 && (multicore ??= cpuBudget() >= 2);
}

// Start watching a working instance.
export function watchMemory(watch: Watch): void {
  watch.since = ticks;
  if (!watched.includes(watch)) watched.push(watch);
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
  const at = watched.indexOf(watch);
  if (at < 0) return;
  watched[at] = watched[watched.length - 1]!;
  watched.pop();
}

function tick(): void {
  ticks++;
  if (watched.length === 0) {
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
  // A copy: a watch that ends leaves the array while the tick goes on.
  for (const watch of watched.slice()) {
    if (!watched.includes(watch)) continue;
    if (now >= watch.deadline) {
      unwatchMemory(watch);
      watch.onDeadline();
    } else if (watch.since < ticks - 1) {
      sample(watch);
    }
  }
}

// Sample one watch now: update its peak and report it if it is over the limit.
function sample(watch: Watch): void {
  const kb = watch.probe.readKb();
  if (kb > watch.peakKb) watch.peakKb = kb;
  if (kb > watch.limitKb) {
    unwatchMemory(watch);
    watch.onOver(kb);
  }
}
