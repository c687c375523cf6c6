// The interpreter process: spawned through python-shell in its own process group, with the
// protocol on stdin/stdout and the log on stderr. Every group fgrun starts is killed on exit.
import { PythonShell } from 'python-shell';
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { BOOTSTRAP_MAIN } from './paths.js';

export interface PythonProcess {
  shell: PythonShell;
  child: ChildProcess;
  pid: number;
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
}

const liveGroups = new Set<number>();
let exitHookInstalled = false;

// Kill every process group still alive when the host exits, so no interpreter outlives it.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  });
}

export function spawnPython(pythonPath: string, cwd: string, env: Record<string, string>): PythonProcess {
  installExitHook();
  const shell = new PythonShell(BOOTSTRAP_MAIN, {
    mode: 'binary',
    pythonPath,
    pythonOptions: ['-u', '-B', '-s'],
    cwd,
    env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const child = shell.childProcess;
  const stderr = child.stderr!;
  // python-shell keeps every stderr byte in a string and splits it into lines; the log can be
  // hundreds of MB, so take stderr over and keep only what the LogCollector bounds.
  stderr.unpipe();
  stderr.removeAllListeners('data');
  if (child.pid === undefined) {
    // Spawn failed (ENOENT...): the 'error' event follows; give callers a dead process.
    shell.on('error', () => {});
    return { shell, child, pid: -1, stdin: child.stdin!, stdout: child.stdout!, stderr };
  }
  shell.on('error', () => {});
  shell.on('pythonError', () => {});
  child.stdin!.on('error', () => {});
  liveGroups.add(child.pid);
  child.once('exit', () => liveGroups.delete(child.pid!));
  return { shell, child, pid: child.pid, stdin: child.stdin!, stdout: child.stdout!, stderr };
}

// Signal the whole process group (the interpreter and anything the function started).
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Process groups fgrun started that are still alive (for tests and diagnostics). */
export function liveProcessGroups(): number[] {
  return [...liveGroups];
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
