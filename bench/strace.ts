// Syscalls per request by name, counted by strace (`--strace`, opt-in: strace must be installed and
// allowed to attach). /proc/<pid>/io counts only read- and write-type calls; strace -c counts every
// call (ioctl, getrusage, epoll_pwait, futex...) of every thread it is attached to.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether strace can be run here (the suite is skipped, with this reason, when it cannot). */
export function straceMissing(): string | null {
  const probe = spawnSync('strace', ['-V'], { encoding: 'utf8' });
  return probe.error ? `strace is not installed (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message}): apt-get install strace` : null;
}

/** Calls of each syscall, by name, as `strace -c` sums them (its "total" row left out). */
export type SyscallCounts = Record<string, number>;

// strace -c's table: "% time  seconds  usecs/call  calls  [errors]  syscall", one row per syscall.
export function parseStraceSummary(text: string): SyscallCounts {
  const counts: SyscallCounts = {};
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5 || !/^\d+(\.\d+)?$/.test(cols[0]!)) continue;
    const name = cols[cols.length - 1]!;
    const calls = Number(cols[3]);
    if (name === 'total' || !Number.isInteger(calls)) continue;
    counts[name] = (counts[name] ?? 0) + calls;
  }
  return counts;
}

interface Tracer {
  child: ChildProcess;
  file: string;
  exited: Promise<void>;
}

// Attach strace -c to `pid` and every thread it has ("attached with N threads"); resolves once
// strace says it is attached. No -f: this Node process spawns the other tracers, which -f would
// trace too; after the warm-up no thread is started anyway.
async function attach(pid: number, file: string): Promise<Tracer> {
  const child = spawn('strace', ['-c', '-o', file, '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let said = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      said += d.toString();
      if (said.includes(`Process ${pid} attached`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`strace -p ${pid} exited with code ${code}: ${said.trim()}`)));
  });
  return { child, file, exited };
}

// The syscalls each of the processes made while `action` ran, by name, in the order of `pids`. The
// first is attached last and detached first, so that its count holds no tracer's spawn or exit.
export async function countSyscalls(pids: number[], action: () => Promise<void>): Promise<SyscallCounts[]> {
  const dir = mkdtempSync(join(tmpdir(), 'fgrun-strace-'));
  const tracers: Tracer[] = [];
  try {
    for (let i = pids.length - 1; i >= 0; i--) tracers.unshift(await attach(pids[i]!, join(dir, `${i}.txt`)));
    await action();
    for (const t of tracers) {
      t.child.kill('SIGINT');
      await t.exited;
    }
    return tracers.map((t) => parseStraceSummary(readFileSync(t.file, 'utf8')));
  } finally {
    for (const t of tracers) if (t.child.exitCode === null && t.child.signalCode === null) t.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
