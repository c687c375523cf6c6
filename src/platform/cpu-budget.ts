// How many CPUs this host may keep busy: its affinity (os.availableParallelism) and the CPU quota of
// its cgroups, whichever is lower. Node 20's availableParallelism counts the affinity only (libuv
// 1.46), so a container started with `--cpus=1` on a many-core machine reads as many-core. A spin
// that assumes an idle second CPU (instance/linger.ts) would there burn the quota and get the whole
// group throttled for the rest of the period. The quota is the kernel's CFS bandwidth limit:
// cgroup v2 `cpu.max` ("<quota> <period>" or "max <period>"), v1 `cpu.cfs_quota_us` (-1: none) over
// `cpu.cfs_period_us`; every ancestor's limit applies too, so the lowest one on the way up counts
// (https://docs.kernel.org/scheduler/sched-bwc.html).
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** CPUs a cgroup v2 `cpu.max` allows (Infinity: "max", no limit; null: not a cpu.max). */
export function cpuMaxCpus(text: string): number | null {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === 'max') return Infinity;
  return cpus(Number(quota), Number(period));
}

/** CPUs a cgroup v1 quota over its period allows (Infinity: -1, no limit; null: unreadable). */
export function cfsQuotaCpus(quota: string, period: string): number | null {
  const q = Number(quota.trim());
  if (q === -1) return Infinity;
  return cpus(q, Number(period.trim()));
}

function cpus(quota: number, period: number): number | null {
  return Number.isInteger(quota) && Number.isInteger(period) && quota > 0 && period > 0 ? quota / period : null;
}

/** Where the cpu controller of a process is. */
export interface CpuCgroup {
  /** The hierarchy's version: v1 `cpu.cfs_quota_us`/`cpu.cfs_period_us`, v2 `cpu.max`. */
  version: 1 | 2;
  /** The process's own folder, and the hierarchy's mount point (the walk stops there). */
  dir: string;
  mount: string;
}

const read = (file: string): string => readFileSync(file, 'latin1');

/**
 * The cpu controller's folder for process `pid`: v1 when a v1 hierarchy has the cpu controller (it
 * then is not on the v2 one), else v2. null when neither is mounted here. Throws when /proc cannot
 * be read.
 */
export function cpuCgroup(pid: number | 'self' = 'self'): CpuCgroup | null {
  const lines = read(`/proc/${pid}/cgroup`).split('\n').filter(Boolean).map((l) => {
    const first = l.indexOf(':');
    const second = l.indexOf(':', first + 1);
    return { controllers: l.slice(first + 1, second).split(','), path: l.slice(second + 1) };
  });
  // mountinfo: "id parent dev root mountpoint options [optional...] - fstype source superoptions".
  const mounts = read('/proc/self/mountinfo').split('\n').filter(Boolean).map((l) => {
    const f = l.split(' ');
    const dash = f.indexOf('-');
    return { root: f[3]!, point: f[4]!.replace(/\\040/g, ' '), type: f[dash + 1]!, options: (f[dash + 3] ?? '').split(',') };
  });
  const v1 = lines.find((l) => l.controllers.includes('cpu'));
  if (v1) {
    const mount = mounts.find((m) => m.type === 'cgroup' && m.options.includes('cpu'));
    if (!mount) return null;
    return { version: 1, ...place(mount, v1.path) };
  }
  const v2 = lines.find((l) => l.controllers.length === 1 && l.controllers[0] === '');
  const mount = mounts.find((m) => m.type === 'cgroup2');
  if (!v2 || !mount) return null;
  return { version: 2, ...place(mount, v2.path) };
}

// The limit set in one folder of the hierarchy (null: none readable there).
function folderLimit(version: 1 | 2, dir: string): number | null {
  return version === 1 ? cfsQuotaCpus(read(join(dir, 'cpu.cfs_quota_us')), read(join(dir, 'cpu.cfs_period_us'))) : cpuMaxCpus(read(join(dir, 'cpu.max')));
}

// The folder of cgroup `path` (relative to the cgroup namespace) under a mount that may show only a
// subtree of it (its root).
function place(mount: { root: string; point: string }, path: string): { dir: string; mount: string } {
  const relative = mount.root !== '/' && path.startsWith(mount.root) ? path.slice(mount.root.length) : path;
  return { dir: resolve(mount.point, `.${relative}`), mount: resolve(mount.point) };
}

/**
 * CPUs the cgroups of process `pid` allow it, the lowest limit from its own cgroup up to the root
 * of the hierarchy: Infinity where none is set, or where none can be read (no cgroups, not Linux).
 */
export function cgroupCpuLimit(pid: number | 'self' = 'self'): number {
  if (process.platform !== 'linux') return Infinity;
  let cgroup: CpuCgroup | null;
  try {
    cgroup = cpuCgroup(pid);
  } catch {
    return Infinity;
  }
  if (cgroup === null) return Infinity;
  let lowest = Infinity;
  for (let dir = cgroup.dir; ; dir = dirname(dir)) {
    try {
      const limit = folderLimit(cgroup.version, dir);
      if (limit !== null && limit < lowest) lowest = limit;
    } catch {
      // No such file at this level (the root of a v2 hierarchy has no cpu.max): no limit here.
    }
    if (dir.length <= cgroup.mount.length) break;
  }
  return lowest;
}

let budget: number | undefined;

/** CPUs this host may keep busy at once, read once: its affinity, lowered to its cgroups' quota. */
export function cpuBudget(): number {
  budget ??= Math.min(availableParallelism(), cgroupCpuLimit());
  return budget;
}

/** Whole CPUs this host may keep busy, at least 1: how many interpreters to run at once (a matrix). */
export function cpuSlots(): number {
  return Math.max(1, Math.floor(cpuBudget()));
}
