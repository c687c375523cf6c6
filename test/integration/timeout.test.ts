// A request that outlives its timeout is answered as timeout, its process group is killed, and
// the next request is served by a fresh instance. One sharp test per runtime (each waits 3 s).
import { expect, it } from 'vitest';
import { createFunction } from '../../src/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';

describeEachRuntime('timeout', (runtime) => {
  it('answers a request past its timeout as timeout, then serves the next on a fresh instance', async () => {
    const h = await createFunction({ code: fixture('sleepy'), runtime: runtime.runtime, timeout: 3 });
    try {
      const warm = await h.invoke({ sleep: 0 });
      expect(warm.status).toBe('success');
      expect((await h.invoke({ sleep: 0 })).summary.coldStart).toBe(false);
      const started = Date.now();
      const slow = await h.invoke({ sleep: 30 });
      const waited = Date.now() - started;
      expect(slow.status).toBe('timeout');
      expect(slow.error).toEqual({
        errorMessage: 'invoke timed out, error: the function did not return within its timeout of 3s',
        errorType: 'FunctionTimeout',
        stackTrace: [],
      });
      expect(waited).toBeGreaterThanOrEqual(2900);
      expect(waited).toBeLessThan(20000);
      expect(slow.log).toContain('\nsleeping 30s\n');
      expect(slow.summary.durationMs).toBeGreaterThanOrEqual(2900);
      expect(slow.summary.maxMemoryUsedMb).toBeGreaterThan(3);
      const next = await h.invoke({ sleep: 0 });
      expect(next.status).toBe('success');
      expect(next.summary.coldStart).toBe(true);
      const remaining = (next.result as { remaining: number }).remaining;
      expect(remaining).toBeGreaterThan(1000);
      expect(remaining).toBeLessThanOrEqual(3000);
    } finally {
      await h.close();
    }
  });
}, undefined, { concurrent: true });
