// The interpreter process: spawned through python-shell in its own process group (detached: a new
// session), with the protocol on stdin/stdout and the log on stderr. Every group fgrun starts is
// remembered until it exits and killed when the host exits or is interrupted (host-exit.ts).
import { PythonShell } from 'python-shell';
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { BOOTSTRAP_MAIN } from '../protocol/bootstrap.js';
import { installHostExitHooks } from './host-exit.js';
import { SpawnError } from '../errors.js';

export interface PythonProcess {
  shell: PythonShell;
  child: ChildProcess;
  pid: number;
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
}

const liveGroups = new Set<number>();

// Kill every group still alive (host exit, Ctrl-C).
function killAllGroups(): void {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
}

export function spawnPython(pythonPath: string, cwd: string, env: Record<string, string>): PythonProcess {
  installHostExitHooks(killAllGroups);
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
  // A failed spawn's 'error' event follows on the next tick: listen before anything can throw.
  shell.on('error', () => {});
  shell.on('pythonError', () => {});
  if (child.pid === undefined || !child.stdin || !child.stdout || !child.stderr) {
    // EMFILE/ENFILE leave no pipes at all; ENOENT/EACCES leave a dead child. Either way: no instance.
    child.stdin?.destroy();
    child.stdout?.destroy();
    child.stderr?.destroy();
    throw spawnFailure(pythonPath, !child.stdout);
  }
  const stderr = child.stderr;
  // python-shell keeps every stderr byte in a string and splits it into lines; the log can be
  // hundreds of MB, so take stderr over and keep only what the LogCollector bounds.
  stderr.unpipe();
  stderr.removeAllListeners('data');
  child.stdin.on('error', () => {});
  liveGroups.add(child.pid);
  child.once('exit', () => liveGroups.delete(child.pid!));
  return { shell, child, pid: child.pid, stdin: child.stdin, stdout: child.stdout, stderr };
}

// The SpawnError for an interpreter that did not start (Node leaves no pipes on EMFILE/ENFILE).
function spawnFailure(pythonPath: string, noPipes: boolean): SpawnError {
  const why = noPipes ? 'no file descriptors were left for its pipes (EMFILE: raise `ulimit -n` or lower --max-instances)' : 'it could not be executed';
  return new SpawnError(`could not start the interpreter ${pythonPath}: ${why}`);
}

// Whether the process and its pipes keep the host's event loop alive: yes while it works, no while
// it idles (a script that forgets close() still ends; the exit hook then kills the group).
export function setRef(proc: PythonProcess, ref: boolean): void {
  for (const handle of [proc.child, proc.stdin, proc.stdout, proc.stderr] as Array<{ ref?: () => void; unref?: () => void }>) {
    if (ref) handle.ref?.();
    else handle.unref?.();
  }
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
