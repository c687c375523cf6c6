// The bench's CPU accounting reads the scheduler's per-thread figures: they must grow with real
// work, for this process and for a child's whole tree. Work is measured in CPU, never wall time.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpus } from 'node:os';
import { childrenOf, HAS_SCHEDSTAT, lastCpu, processCpuNs, treeCpuNs } from '../../bench/cpu.js';

// Burn `ms` of this thread's CPU time (by the kernel's account, whatever else runs).
function burn(ms: number): void {
  const start = process.cpuUsage();
  while (true) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

describe.skipIf(!HAS_SCHEDSTAT)('bench CPU accounting (/proc/<pid>/task/*/schedstat)', () => {
  it('counts this process\'s own work', () => {
    const before = processCpuNs('self');
    burn(30);
    expect(processCpuNs('self') - before).toBeGreaterThanOrEqual(25e6);
  });

  it('counts a grandchild\'s work in its parent\'s tree, and finds the child', async () => {
    // sh starts node as its child; that burns 200 ms of CPU, then sleeps until killed.
    const source = 'while (process.cpuUsage().user < 2e5); setTimeout(() => {}, 60000)';
    const child = spawn('/bin/sh', ['-c', `"${process.execPath}" -e '${source}'; exit 0`], { stdio: 'ignore', detached: true });
    try {
      expect(childrenOf(process.pid)).toContain(child.pid);
      let ns = 0;
      for (let i = 0; i < 600 && ns < 0.2e9; i++) {
        await new Promise((r) => setTimeout(r, 50));
        ns = treeCpuNs(child.pid!);
      }
      expect(ns).toBeGreaterThanOrEqual(0.2e9);
      expect(processCpuNs(child.pid!)).toBeLessThan(0.1e9);
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
    }
  });

  it('reads the CPU a process last ran on (the headline\'s placement), -1 once it is gone', () => {
    const cpu = lastCpu(process.pid);
    expect(Number.isInteger(cpu)).toBe(true);
    expect(cpu).toBeGreaterThanOrEqual(0);
    expect(cpu).toBeLessThan(cpus().length);
    expect(lastCpu(2 ** 22 + 1)).toBe(-1);
  });
});
