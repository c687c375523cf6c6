// A request over its timeout is answered `timeout` (code 4010 text), its group is killed, and the
// next request gets a fresh instance. Runtimes run in parallel: each case waits the 3 s minimum.
import { describe, expect, it } from 'vitest';
import { createFunction } from '../../src/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';
import { stillRunning } from './processes.js';

describe.concurrent('timeouts', () => {
  describeEachRuntime('timeout then recovery', (runtime) => {
    it('answers timeout after 3 s with the log so far, kills the instance, then serves from a fresh one', async () => {
      const fn = await createFunction({ code: fixture('fault-sleep'), runtime: runtime.runtime, pythonPath: runtime.path, timeout: 3 });
      try {
        const t0 = performance.now();
        const late = await fn.invoke({ seconds: 60 });
        const waited = performance.now() - t0;
        expect(late.status).toBe('timeout');
        expect(late.error).toEqual({
          errorMessage: 'invoke timed out, error: the function did not return within its timeout of 3s',
          errorType: 'FunctionTimeout',
          stackTrace: [],
        });
        const pid = Number(/sleeping (\d+)\n/.exec(late.log)![1]);
        expect(waited).toBeGreaterThanOrEqual(3000);
        // Well before the 60 s sleep: answered at the timeout, with room for a loaded machine.
        expect(waited).toBeLessThan(30_000);
        expect(late.summary.durationMs).toBeGreaterThanOrEqual(3000);
        expect(late.summary.maxMemoryUsedMb).toBeGreaterThan(1);
        expect(await stillRunning([pid])).toEqual([]);
        const next = await fn.invoke({ seconds: 0 });
        expect(next.status).toBe('success');
        expect(next.summary.coldStart).toBe(true);
        expect((next.result as { pid: number }).pid).not.toBe(pid);
      } finally {
        await fn.close();
      }
    });
  });
});
