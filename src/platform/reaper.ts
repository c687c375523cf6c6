// The host side of the reaper (bootstrap/fgrun_reaper.py): one tiny process per host that kills every
// instance when the host dies, even by SIGKILL, and even while a handler holds the GIL. Started with
// the first instance, in its own session (a Ctrl-C to the terminal's group does not reach it), and
// unref'd (it never keeps the host alive). The host tells it each instance's start and exit, one
// line each, at spawn and exit only: nothing per request. It ends at end of input: when the host dies
// (the kernel closes the host's end of the pipe) or exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The reaper's script, from src/platform or dist/platform. */
const REAPER = fileURLToPath(new URL('../../bootstrap/fgrun_reaper.py', import.meta.url));

let reaper: ChildProcess | null = null;
const watched = new Map<number, string>();

// Whether a reaper runs (started with `pythonPath` if there is none yet).
function ensure(pythonPath: string): boolean {
  if (reaper && reaper.exitCode === null && reaper.signalCode === null && reaper.stdin?.writable) return true;
  try {
    const child = spawn(pythonPath, ['-S', '-E', '-B', '-s', REAPER], {
      detached: true, stdio: ['pipe', 'ignore', 'ignore'], env: { PATH: '/usr/bin:/bin' },
    });
    child.on('error', () => {});
    child.stdin!.on('error', () => {});
    if (child.pid === undefined) return false;
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    reaper = child;
    // A new reaper learns every instance still alive.
    for (const [pid, cgroup] of watched) child.stdin!.write(line('+', pid, cgroup));
    return true;
  } catch {
    return false;
  }
}

function line(op: '+' | '-', pid: number, cgroup = ''): string {
  return cgroup ? `${op} ${pid} ${cgroup}\n` : `${op} ${pid}\n`;
}

// Have the reaper kill this instance if the host dies; false when no reaper could be started.
export function reaperWatch(pythonPath: string, pid: number, cgroupDir: string | null): boolean {
  watched.set(pid, cgroupDir ?? '');
  if (!ensure(pythonPath)) return false;
  reaper!.stdin!.write(line('+', pid, cgroupDir ?? ''));
  return true;
}

// The instance exited (or the host killed it): the reaper forgets it.
export function reaperForget(pid: number): void {
  if (!watched.delete(pid)) return;
  if (reaper?.stdin?.writable) reaper.stdin.write(line('-', pid));
}
