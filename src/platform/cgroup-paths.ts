// Where a process's cgroups are: its /proc/<pid>/cgroup lines read against this mount namespace's
// cgroup mounts (/proc/self/mountinfo). Used for the host's own v2 cgroup (cgroup.ts, instances'
// membership) and for its cpu controller's folder (cpu-budget.ts, the CPU quota).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** A process's folder in one cgroup hierarchy. */
export interface CgroupDir {
  /** The hierarchy's version. */
  version: 1 | 2;
  /** The process's own folder, and the hierarchy's mount point (nothing above it is the hierarchy's). */
  dir: string;
  mount: string;
}

const read = (file: string): string => readFileSync(file, 'latin1');

/**
 * The folder of process `pid` in the hierarchy of `controller`: the v1 hierarchy that has it when
 * there is one (the controller is then not on the v2 one), else the v2 hierarchy; with no
 * controller, the v2 hierarchy. null when that hierarchy is not mounted here. Throws when /proc
 * cannot be read.
 */
export function cgroupDir(pid: number | 'self', controller: string | null = null): CgroupDir | null {
  const lines = read(`/proc/${pid}/cgroup`).split('\n').filter(Boolean).map((l) => {
    const first = l.indexOf(':');
    const second = l.indexOf(':', first + 1);
    return { controllers: l.slice(first + 1, second).split(','), path: l.slice(second + 1).trim() };
  });
  // mountinfo: "id parent dev root mountpoint options [optional...] - fstype source superoptions".
  const mounts = read('/proc/self/mountinfo').split('\n').filter(Boolean).map((l) => {
    const f = l.split(' ');
    const dash = f.indexOf('-');
    return { root: f[3]!, point: f[4]!.replace(/\\040/g, ' '), type: f[dash + 1]!, options: (f[dash + 3] ?? '').split(',') };
  });
  const v1 = controller === null ? undefined : lines.find((l) => l.controllers.includes(controller));
  if (v1) {
    const mount = mounts.find((m) => m.type === 'cgroup' && m.options.includes(controller!));
    return mount ? { version: 1, ...place(mount, v1.path) } : null;
  }
  const v2 = lines.find((l) => l.controllers.length === 1 && l.controllers[0] === '');
  const mount = mounts.find((m) => m.type === 'cgroup2');
  return v2 && mount ? { version: 2, ...place(mount, v2.path) } : null;
}

// The folder of cgroup `path` (relative to the cgroup namespace) under a mount that may show only a
// subtree of it (its root).
function place(mount: { root: string; point: string }, path: string): { dir: string; mount: string } {
  const relative = mount.root !== '/' && path.startsWith(mount.root) ? path.slice(mount.root.length) : path;
  return { dir: resolve(mount.point, `.${relative}`), mount: resolve(mount.point) };
}
