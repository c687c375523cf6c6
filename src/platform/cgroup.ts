// A cgroup v2 per instance, where the host may create one: its members (cgroup.procs) are every
// process the function started, daemons and children of threads included, and `cgroup.kill` ends
// them all at once. The host's folder is `<its own cgroup>/fgrun-<host pid>/`, one `i<n>` per
// instance. Where no cgroup v2 is mounted, or the host's cgroup is not writable (not root and not
// delegated), or FGRUN_CGROUP=off, every call gives null and the instance falls back to the
// subreaper and the process tree (docs/instances.md says what each fallback still guarantees).
// Only membership and kill are used: the memory controller is rarely delegated and charges page cache.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, write, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupDir } from './cgroup-paths.js';
import { onHostExit } from './host-exit.js';
import { signal } from './proc.js';

let hostDir: string | null | undefined;
let own: string | null | undefined;
let count = 0;
/** Settles when the prime in flight has closed its descriptor (null: none in flight). */
let priming: Promise<void> | null = null;
const live = new Set<InstanceCgroup>();

// `<mount>/<the host's own cgroup>` of the v2 hierarchy, or null.
function ownCgroup(): string | null {
  try {
    return cgroupDir('self')?.dir ?? null;
  } catch {
    return null;
  }
}

// The host's own cgroup, looked up once (null when cgroups are off or not v2 here).
function hostCgroup(): string | null {
  if (own === undefined) own = process.platform !== 'linux' || process.env.FGRUN_CGROUP === 'off' ? null : ownCgroup();
  return own;
}

// The host's folder, created once (null when cgroups cannot be used here).
function hostFolder(): string | null {
  if (hostDir !== undefined) return hostDir;
  hostDir = null;
  const own = hostCgroup();
  if (own === null) return null;
  removeStale(own);
  const dir = join(own, `fgrun-${process.pid}`);
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return null;
  }
  hostDir = dir;
  onHostExit('remove', () => {
    for (const cgroup of live) cgroup.remove();
    removeQuietly(dir);
  });
  return dir;
}

// Folders of hosts that died without cleaning up (a SIGKILLed host whose reaper was killed too).
function removeStale(own: string): void {
  try {
    for (const name of readdirSync(own)) {
      const pid = /^fgrun-(\d+)$/.exec(name)?.[1];
      if (!pid || existsSync(`/proc/${pid}`)) continue;
      const dir = join(own, name);
      for (const child of readdirSync(dir, { withFileTypes: true })) if (child.isDirectory()) removeQuietly(join(dir, child.name));
      removeQuietly(dir);
    }
  } catch {
    // not ours to read
  }
}

function removeQuietly(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** The folder under which instances get their cgroups, or null where cgroups cannot be used here. */
export function cgroupFolder(): string | null {
  return hostFolder();
}

/**
 * Makes the next instance's join fast, where cgroups are used: called ~5-30 ms before a spawn. A
 * write to any cgroup.procs takes the kernel's cgroup_threadgroup_rwsem for writing, and when no
 * other write took it within about one RCU grace period, the writer first sleeps through a grace
 * period (6-16 ms here, a 2-core machine): that was the instance's join, on Node's main thread,
 * before the init frame could go (docs/performance.md, "Issue 22, fifth pass"). This writes the
 * host's own pid into the cgroup it is already in (a migration that moves nothing), on the thread
 * pool, so the grace period passes while the host resolves the function; a join in the following
 * ~10 ms then takes 0.2-1.5 ms. Nothing depends on it: refused (not root, not delegated), late or
 * early, the join simply waits as before.
 */
export function primeCgroupJoin(): void {
  if (priming) return;
  // Not hostFolder(): its sweep and mkdir (~1 ms) wait for the join, which follows the spawn.
  const cgroup = hostCgroup();
  if (cgroup === null) return;
  let fd: number;
  try {
    fd = openSync(join(cgroup, 'cgroup.procs'), 'w');
  } catch {
    return;
  }
  // Opened here, written on the thread pool: one call there, which needs nothing of the main thread
  // (fs.writeFile's open, write and close each wait for it, and it is busy until the spawn).
  priming = new Promise((settled) => {
    write(fd, String(process.pid), () => {
      priming = null;
      closeSync(fd);
      settled();
    });
  });
}

/**
 * Settles once no prime holds a descriptor: a server waits for it before it listens, so that what
 * it holds open from then on is only what it serves (its descriptor count is its clients').
 */
export function primeSettled(): Promise<void> {
  return priming ?? Promise.resolve();
}

/** One instance's cgroup. */
export class InstanceCgroup {
  private constructor(readonly dir: string) {}

  // A new cgroup holding `pid`, or null where cgroups cannot be used (then nothing was left behind).
  static join(pid: number): InstanceCgroup | null {
    const base = hostFolder();
    if (base === null || pid <= 0) return null;
    const dir = join(base, `i${++count}`);
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'cgroup.procs'), String(pid));
    } catch {
      removeQuietly(dir);
      return null;
    }
    const cgroup = new InstanceCgroup(dir);
    live.add(cgroup);
    return cgroup;
  }

  get procsPath(): string {
    return join(this.dir, 'cgroup.procs');
  }

  // Kill every member now (cgroup.kill, Linux 5.14+; before it, each member listed).
  kill(): void {
    try {
      writeFileSync(join(this.dir, 'cgroup.kill'), '1');
      return;
    } catch {
      // no cgroup.kill: signal the members one by one
    }
    for (let round = 0; round < 8; round++) {
      let members: number[];
      try {
        members = readFileSync(this.procsPath, 'latin1').split('\n').filter(Boolean).map(Number);
      } catch {
        return;
      }
      if (members.length === 0) return;
      for (const pid of members) signal(pid, 'SIGKILL');
    }
  }

  // Remove the folder once its members are gone; false while some still exit.
  remove(): boolean {
    if (!removeQuietly(this.dir)) return false;
    live.delete(this);
    return true;
  }
}
