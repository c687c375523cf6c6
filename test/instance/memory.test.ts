// Memory: max memory used is the instance's real peak RSS during the request; going over the
// configured memory size kills the instance and answers `oom` (code 4205 text).
import { describe, expect, it } from 'vitest';
import { createFunction, type MemorySize } from '../../src/index.js';
import { describeEachRuntime, newestRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';
import { stillRunning } from '../faults/processes.js';

const OOM = /^runtime memory limit exceeded, error: memory used (\d+\.\d{3})MB is over the function's memory size of 128MB$/;

describe.concurrent('memory', () => {
  describeEachRuntime('memory', (runtime) => {
    const open = (memorySize: MemorySize) =>
      createFunction({ code: fixture('fault-memory'), runtime: runtime.runtime, pythonPath: runtime.path, memorySize, timeout: 30 });

    it('reports ~200 MB held as max memory used within 10%, and the next request its own peak', async () => {
      const fn = await open(512);
      try {
        const big = await fn.invoke({ mb: 200 });
        expect(big.status).toBe('success');
        expect(big.result).toMatchObject({ held: 200 });
        expect(big.summary.maxMemoryUsedMb).toBeGreaterThan(200);
        expect(big.summary.maxMemoryUsedMb).toBeLessThan(220);
        expect(big.log).toContain(`memory used: ${big.summary.maxMemoryUsedMb.toFixed(3)}MB, billing memory: 512MB`);
        const small = await fn.invoke({});
        expect(small.summary.coldStart).toBe(false);
        expect(small.summary.maxMemoryUsedMb).toBeGreaterThan(3);
        expect(small.summary.maxMemoryUsedMb).toBeLessThan(40);
      } finally {
        await fn.close();
      }
    });

    it('kills an instance growing past its memory size: oom, then a fresh instance', async () => {
      const fn = await open(128);
      try {
        const first = await fn.invoke({});
        const pid = (first.result as { pid: number }).pid;
        const over = await fn.invoke({ mb: 1024, step: 4 });
        expect(over.status).toBe('oom');
        expect(over.error!.errorType).toBe('RuntimeMemoryLimitExceeded');
        const used = Number(OOM.exec(over.error!.errorMessage)![1]);
        expect(used).toBeGreaterThan(128);
        expect(used).toBeLessThan(1024);
        expect(over.summary.maxMemoryUsedMb).toBeCloseTo(used, 2);
        expect(await stillRunning([pid])).toEqual([]);
        const next = await fn.invoke({});
        expect(next.status).toBe('success');
        expect((next.result as { pid: number }).pid).not.toBe(pid);
      } finally {
        await fn.close();
      }
    });

    it('answers oom for a request whose peak went over even when it returned', async () => {
      const fn = await open(128);
      try {
        const spike = await fn.invoke({ mb: 160 });
        expect(spike.status).toBe('oom');
        expect(Number(OOM.exec(spike.error!.errorMessage)![1])).toBeGreaterThan(128);
      } finally {
        await fn.close();
      }
    });
  });

  it.runIf(newestRuntime)('counts the memory of processes the function started', async () => {
    const fn = await createFunction({ code: fixture('fault-memory'), runtime: newestRuntime!.runtime, pythonPath: newestRuntime!.path, memorySize: 128, timeout: 30 });
    try {
      const t0 = performance.now();
      const over = await fn.invoke({ child_mb: 200 });
      expect(over.status).toBe('oom');
      expect(Number(OOM.exec(over.error!.errorMessage)![1])).toBeGreaterThan(128);
      expect(performance.now() - t0).toBeLessThan(20_000);
    } finally {
      await fn.close();
    }
  });
});
