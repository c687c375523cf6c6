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
import { dirname, join } from 'node:path';
import { cgroupDir, type CgroupDir } from './cgroup-paths.js';

const read = (file: string): string => readFileSync(file, 'latin1');

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

/** The cpu controller's folder for process `pid` (cgroup-paths.ts); throws when /proc cannot be read. */
export function cpuCgroup(pid: number | 'self' = 'self'): CgroupDir | null {
  return cgroupDir(pid, 'cpu');
}

// The limit set in one folder of the hierarchy (null: none readable there).
function folderLimit(version: 1 | 2, dir: string): number | null {
  return version === 1 ? cfsQuotaCpus(read(join(dir, 'cpu.cfs_quota_us')), read(join(dir, 'cpu.cfs_period_us'))) : cpuMaxCpus(read(join(dir, 'cpu.max')));
}

/**
 * CPUs the cgroups of process `pid` allow it, the lowest limit from its own cgroup up to the root
 * of the hierarchy: Infinity where none is set, or where none can be read (no cgroups, not Linux).
 */
export function cgroupCpuLimit(pid: number | 'self' = 'self'): number {
  if (process.platform !== 'linux') return Infinity;
  let cgroup: CgroupDir | null;
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
