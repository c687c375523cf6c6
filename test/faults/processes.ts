// Process-table helpers for the fault tests: is a pid still running, wait for pids to go, temp dirs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Whether `pid` is a running process (a zombie waiting for init to reap it counts as gone).
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

// The pids among `pids` still running after waiting up to `ms` for them to go (returns as soon as all
// are gone; the bound is only for a process that never goes, generous for a loaded machine).
export async function stillRunning(pids: number[], ms = 10_000): Promise<number[]> {
  const until = Date.now() + ms;
  for (;;) {
    const alive = pids.filter(isRunning);
    if (alive.length === 0 || Date.now() > until) return alive;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const dirs: string[] = [];

// A fresh temporary folder, removed by removeTempDirs().
export function tempDir(prefix = 'fgrun-fault-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
