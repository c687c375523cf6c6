// A function that writes hundreds of MB of log: the host keeps only the newest part of the
// request's log (LogCollector's 1 MB cap), its memory stays bounded, and the request is answered.
// Host RSS is measured, so this file runs alone (no concurrent tests) on the newest runtime.
import { describe, expect, it } from 'vitest';
import { createFunction, LOG_TAIL_KEPT } from './log-flood-support.js';
import { newestRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';

const MB = 1024 * 1024;

describe.runIf(newestRuntime)('log flood', () => {
  it('300 MB of output: answered, last 1 MB kept with a note of what was dropped, host RSS bounded', async () => {
    const fn = await createFunction({ code: fixture('fault-log-flood'), runtime: newestRuntime!.runtime, pythonPath: newestRuntime!.path, timeout: 60 });
    try {
      await fn.invoke({ mb: 1 });
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
      const flooded = await fn.invoke({ mb: 300 });
      clearInterval(sampler);
      expect(flooded.status).toBe('success');
      expect(flooded.result).toBe('flooded');
      const note = /\n\[fgrun: (\d+) bytes of earlier log output dropped; the last (\d+) bytes are kept\]\n(a*\n)+\S+ Finish invoke/.exec(flooded.log);
      expect(note).not.toBeNull();
      const kept = flooded.log.length - flooded.log.indexOf('\na') - 1 - (flooded.log.length - flooded.log.lastIndexOf('a\n') - 2);
      // Whole chunks are dropped: what is kept is at most the cap and every byte is accounted for.
      expect(Number(note![2])).toBe(LOG_TAIL_KEPT);
      expect(kept).toBeLessThanOrEqual(LOG_TAIL_KEPT);
      expect(kept).toBeGreaterThan(LOG_TAIL_KEPT / 2);
      expect(Number(note![1]) + kept).toBe(300 * MB);
      expect(peak - before).toBeLessThan(100 * MB);
      const next = await fn.invoke({ mb: 0 });
      expect(next.status).toBe('success');
      expect(next.log).not.toContain('aaaa');
    } finally {
      await fn.close();
    }
  });
});
