// Whether an interpreter waits for the CPU the host runs on (src/platform/placement.ts): the
// host's linger looks when a window passed without the answer (src/instance/linger.ts). Read from
// /proc/<pid>/stat (state, CPU last run on) through kept descriptors, on real processes placed with
// taskset: this test's own thread on CPU 0 while it looks.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { expect, it, vi } from 'vitest';
import { Placement } from '../../src/platform/index.js';

const state = (pid: number): string => readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ')[0]!;
const cpus = (pid: number): string => execFileSync('taskset', ['-p', '-c', String(pid)], { encoding: 'utf8' }).trim().split(': ')[1]!;
const pin = (pid: number, list: string): void => void execFileSync('taskset', ['-p', '-c', list, String(pid)], { stdio: 'ignore' });

// `command` started on CPU `cpu`, once /proc shows it in `want` state; killed by `use`'s end.
async function withProcess(cpu: number, command: string[], want: string, use: (pid: number) => void | Promise<void>): Promise<void> {
  const child: ChildProcess = spawn('taskset', ['-c', String(cpu), ...command], { stdio: 'ignore' });
  const pid = child.pid!;
  try {
    await vi.waitFor(() => {
      expect(readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0]).toBe(command[0]);
      expect(state(pid)).toBe(want);
    }, { timeout: 30000, interval: 5 });
    await use(pid);
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
  }
}

it('sees this process running on the CPU it runs on (with more tasks runnable than CPUs: here, none)', () => {
  const placement = new Placement(process.pid, 0);
  try {
    expect(placement.together()).toBe(true);
  } finally {
    placement.close();
  }
});

it('counts a process runnable on the host\'s CPU when more tasks are runnable than CPUs; not with a CPU free, nor one asleep or elsewhere', async () => {
  const own = cpus(process.pid);
  const two = availableParallelism() > 1;
  // `cpus` stands for the system's CPUs: the runnable count is the whole system's, other tests' too.
  const looks = (pid: number, cpus: number): boolean => {
    const placement = new Placement(pid, cpus);
    try {
      return placement.together();
    } finally {
      placement.close();
    }
  };
  pin(process.pid, '0');
  try {
    await withProcess(0, ['yes'], 'R', (pid) => {
      // Runnable on CPU 0, which this thread holds while it looks (this thread and it: 2 runnable at least).
      expect(looks(pid, 1)).toBe(true);
      // With a CPU free for it, the scheduler would move it there: not counted.
      expect(looks(pid, 4096)).toBe(false);
    });
    // Running, on the other CPU: not waiting for this one.
    if (two) await withProcess(1, ['yes'], 'R', (pid) => expect(looks(pid, 1)).toBe(false));
    // On CPU 0 too, but asleep: it waits for nothing.
    await withProcess(0, ['sleep', '30'], 'S', (pid) => expect(looks(pid, 1)).toBe(false));
  } finally {
    pin(process.pid, own);
  }
});

it('counts nothing of a process that is gone, nor once closed', async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const placement = new Placement(child.pid!);
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  expect(placement.together()).toBe(false);
  placement.close();
  const own = new Placement(process.pid);
  own.close();
  expect(own.together()).toBe(false);
  expect(new Placement(0).together()).toBe(false);
});
