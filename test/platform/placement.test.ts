// Whether an interpreter waits for the CPU the host runs on (src/platform/proc.ts Placement): the
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
async function withProcess(cpu: number, command: string[], want: string, use: (pid: number) => void): Promise<void> {
  const child: ChildProcess = spawn('taskset', ['-c', String(cpu), ...command], { stdio: 'ignore' });
  const pid = child.pid!;
  try {
    await vi.waitFor(() => {
      expect(readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0]).toBe(command[0]);
      expect(state(pid)).toBe(want);
    }, { timeout: 30000, interval: 5 });
    use(pid);
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
  }
}

it('sees this process running on the CPU it runs on', () => {
  const placement = new Placement(process.pid);
  try {
    expect(placement.together()).toBe(true);
  } finally {
    placement.close();
  }
});

it('counts a process runnable on the host\'s CPU, not one asleep there nor one running on another', async () => {
  const own = cpus(process.pid);
  const two = availableParallelism() > 1;
  pin(process.pid, '0');
  try {
    // Runnable on CPU 0, which this thread holds while it looks: it waits for this CPU.
    await withProcess(0, ['yes'], 'R', (pid) => {
      const placement = new Placement(pid);
      expect(placement.together()).toBe(true);
      placement.close();
    });
    // On CPU 0 too, but asleep: it waits for nothing.
    await withProcess(0, ['sleep', '30'], 'S', (pid) => {
      const placement = new Placement(pid);
      expect(placement.together()).toBe(false);
      placement.close();
    });
    // Running, on the other CPU.
    if (two) {
      await withProcess(1, ['yes'], 'R', (pid) => {
        const placement = new Placement(pid);
        expect(placement.together()).toBe(false);
        placement.close();
      });
    }
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
