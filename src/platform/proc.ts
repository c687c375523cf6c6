// Linux /proc reads and process signals: resident memory, the peak, the process tree, killing a
// tree. Where /proc is missing (macOS), reads give 0 / nothing and kills reach the process group
// only (docs/platforms.md).
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, statSync, watch } from 'node:fs';

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

// Read a small /proc or cgroup file through a kept fd (pread at 0 regenerates it), or null once gone.
export function pread(fd: number): string | null {
  try {
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('latin1', 0, n);
  } catch {
    return null;
  }
}

export function openOrClosed(path: string): number {
  try {
    return openSync(path, 'r');
  } catch {
    return -1;
  }
}

function pids(text: string | null): number[] {
  if (!text) return [];
  return text.split(/\s+/).filter((s) => s.length > 0).map(Number);
}

// Resident KiB of one process (0 when it is gone).
export function rssKb(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1]) * PAGE_KB;
  } catch {
    return 0;
  }
}

// The scheduler state letter of a process (`/proc/<pid>/stat` field 3: R running, S sleeping, D in
// the kernel, Z exited and not yet reaped...), or null when it is gone or /proc is missing.
export function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The name (field 2) is in parentheses and may hold spaces or ')': the state follows the last ')'.
    return stat.charAt(stat.lastIndexOf(')') + 2) || null;
  } catch {
    return null;
  }
}

// The children of every thread of `pid` (a child started from a thread is that thread's child).
export function childrenOf(pid: number): number[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const tid of tids) {
    try {
      found.push(...pids(readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1')));
    } catch {
      // the thread ended meanwhile
    }
  }
  return found;
}

/** Every descendant of `pid`, parents before children. */
function descendants(pid: number): number[] {
  const found = new Set<number>();
  const stack = [pid];
  while (stack.length > 0) {
    for (const child of childrenOf(stack.pop()!)) {
      if (!found.has(child)) {
        found.add(child);
        stack.push(child);
      }
    }
  }
  return [...found];
}

// Send a signal, ignoring a process already gone.
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

// Signal the whole process group led by `pid` (the interpreter and what stayed in its group).
export function killGroup(pid: number, sig: NodeJS.Signals): void {
  if (pid > 0) signal(-pid, sig);
}

// Kill `pid`, its process group and every descendant, daemons that left the group included: each
// found descendant is stopped first, so none can fork meanwhile, then all are killed.
export function killTree(pid: number): void {
  if (pid <= 0) return;
  signal(pid, 'SIGSTOP');
  const stopped = new Set<number>();
  for (let round = 0; round < 8; round++) {
    const fresh = descendants(pid).filter((p) => !stopped.has(p));
    if (fresh.length === 0) break;
    for (const p of fresh) {
      signal(p, 'SIGSTOP');
      stopped.add(p);
    }
  }
  for (const p of stopped) signal(p, 'SIGKILL');
  killGroup(pid, 'SIGKILL');
  signal(pid, 'SIGKILL');
}

// The process's peak RSS (VmHWM) in KiB, read before it is killed; 0 where /proc cannot tell.
export function readPeakKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const match = /VmHWM:\s+(\d+)/.exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Where POSIX shared memory lives (glibc's shm_open); its files are RAM that no RSS shows. */
const SHM = '/dev/shm';
// Bumped on every change in /dev/shm (inotify, no polling): only then are descriptors looked at.
let shmGeneration = 0;
let shmWatched = false;

function watchShm(): void {
  if (shmWatched) return;
  shmWatched = true;
  try {
    watch(SHM, { persistent: false }, () => { shmGeneration++; }).on('error', () => {});
  } catch {
    // no /dev/shm here
  }
}

// KiB of the /dev/shm files that `members` hold open but have not mapped (mapped pages are in their
// RSS already); each file once, however many hold it.
function shmHeldKb(members: number[]): number {
  const seen = new Set<number>();
  let kb = 0;
  for (const pid of members) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    let mapped: string | null = null;
    for (const fd of fds) {
      try {
        if (!readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(`${SHM}/`)) continue;
        const info = statSync(`/proc/${pid}/fd/${fd}`);
        if (seen.has(info.ino)) continue;
        seen.add(info.ino);
        mapped ??= readFileSync(`/proc/${pid}/maps`, 'latin1');
        if (new RegExp(` ${info.ino} +${SHM}/`).test(mapped)) continue;
        kb += (info.blocks * 512) / 1024;
      } catch {
        // closed meanwhile
      }
    }
  }
  return kb;
}

/** Every how many reads the members of an instance are listed again (a new child counts within ~50 ms). */
const MEMBERS_EVERY = 5;

/**
 * The resident memory of one instance: its interpreter and every process it started. With a cgroup,
 * the members are read from its `cgroup.procs` (daemons and children of threads are in it); without,
 * from the children of every thread, recursively (the interpreter is the subreaper, so orphaned
 * daemons re-parent to it). Files in /dev/shm that a member holds open without mapping them count
 * too (their pages are in no process's RSS). Listing the members costs 3-9 times a read of the interpreter's own
 * RSS, so it is done every MEMBERS_EVERY reads; the members found are read every time. Pages a
 * forked child shares with its parent count twice.
 */
export class RssProbe {
  private statm = -1;
  private procs = -1;
  private stat = -1;
  private children = -1;
  private members: number[] = [];
  private reads = 0;
  private shmKb = 0;
  private shmSeen = -1;

  constructor(private readonly pid: number, cgroupProcs: string | null) {
    if (pid <= 0) return;
    this.statm = openOrClosed(`/proc/${pid}/statm`);
    watchShm();
    this.shmSeen = shmGeneration;
    if (cgroupProcs) this.procs = openOrClosed(cgroupProcs);
    else {
      this.stat = openOrClosed(`/proc/${pid}/stat`);
      this.children = openOrClosed(`/proc/${pid}/task/${pid}/children`);
    }
  }

  // Current RSS of the interpreter and every process it started, in KiB (0 when unknown).
  readKb(): number {
    const statm = this.statm >= 0 ? pread(this.statm) : null;
    if (statm === null) return 0;
    let kb = Number(statm.split(' ')[1]) * PAGE_KB;
    if (this.reads++ % MEMBERS_EVERY === 0) {
      this.members = this.listMembers();
      // /dev/shm files held open: looked at only after a change there, or while some are held.
      if (this.shmSeen !== shmGeneration || this.shmKb > 0) {
        this.shmSeen = shmGeneration;
        this.shmKb = shmHeldKb([this.pid, ...this.members]);
      }
    }
    for (const pid of this.members) kb += rssKb(pid);
    return kb + this.shmKb;
  }

  // The processes of the instance other than the interpreter.
  private listMembers(): number[] {
    if (this.procs < 0) return this.singleThreaded() ? this.treeFrom(pids(pread(this.children))) : descendants(this.pid);
    const text = pread(this.procs);
    // The common case, the interpreter alone, without splitting.
    if (text === null || text === `${this.pid}\n`) return [];
    return pids(text).filter((p) => p !== this.pid);
  }

  // Whether the interpreter runs one thread (field 20 of /proc/<pid>/stat): then its main thread's
  // children file (kept open) lists them all, no need to list its threads.
  private singleThreaded(): boolean {
    const stat = this.stat >= 0 && this.children >= 0 ? pread(this.stat) : null;
    return stat !== null && stat.slice(stat.lastIndexOf(')') + 2).split(' ', 18)[17] === '1';
  }

  private treeFrom(children: number[]): number[] {
    if (children.length === 0) return children;
    const all = [...children];
    for (const child of children) all.push(...descendants(child));
    return all;
  }

  close(): void {
    for (const fd of [this.statm, this.procs, this.stat, this.children]) {
      if (fd >= 0) {
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
      }
    }
    this.statm = this.procs = this.stat = this.children = -1;
  }
}
