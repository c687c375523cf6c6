// 200 concurrent requests on a pool of 4, some crashing: every request is answered exactly once,
// with its own id and its own result. The pool logic is runtime-independent; it runs on the oldest
// and the newest runtime (the bootstrap differs most between them).
import { describe, expect, it } from 'vitest';
import { createFunction } from '../../src/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';
import { stillRunning } from '../faults/processes.js';

const CRASH = 'runtime process exited unexpectedly, error: ';

// Request i: every 10th (from 3) exits with code i % 7 + 1, every 10th (from 7) segfaults, every
// 25th raises; the rest answer {n: i, pid}.
function eventFor(i: number): Record<string, unknown> {
  if (i % 10 === 3) return { n: i, crash: 'exit', code: (i % 7) + 1 };
  if (i % 10 === 7) return { n: i, crash: 'segfault' };
  if (i % 25 === 0) return { n: i, crash: 'raise' };
  return { n: i };
}

describe.concurrent('concurrency', () => {
  describeEachRuntime('200 requests on 4 instances', (runtime) => {
    it('answers each request once, with its own id and result, never over 4 instances', async () => {
      const fn = await createFunction({ code: fixture('fault-crash'), runtime: runtime.runtime, pythonPath: runtime.path, timeout: 30 }, { maxInstances: 4 });
      try {
        let settled = 0;
        let maxInstances = 0;
        const watch = setInterval(() => { maxInstances = Math.max(maxInstances, fn.stats().instances); }, 5);
        const answers = await Promise.all(Array.from({ length: 200 }, (_, i) =>
          fn.invoke(eventFor(i), { requestId: `request-${i}` }).then((a) => { settled++; return a; })));
        clearInterval(watch);
        expect(settled).toBe(200);
        const pids = new Set<number>();
        answers.forEach((answer, i) => {
          const event = eventFor(i);
          expect(answer.requestId).toBe(`request-${i}`);
          expect(answer.log).toContain(`Start invoke request 'request-${i}'`);
          if (event.crash === 'exit') {
            expect([answer.status, answer.error!.errorMessage]).toEqual(['crash', `${CRASH}runtime process exited with code ${event.code}`]);
          } else if (event.crash === 'segfault') {
            expect([answer.status, answer.error!.errorMessage]).toEqual(['crash', `${CRASH}runtime process killed by signal SIGSEGV`]);
          } else if (event.crash === 'raise') {
            expect([answer.status, answer.error!.errorMessage]).toEqual(['error', 'function invocation exception, error: asked to fail']);
          } else {
            expect(answer.status).toBe('success');
            expect((answer.result as { n: number }).n).toBe(i);
            pids.add((answer.result as { pid: number }).pid);
          }
        });
        const crashes = answers.filter((a) => a.status === 'crash').length;
        expect(crashes).toBe(40);
        const stats = fn.stats();
        expect(maxInstances).toBeLessThanOrEqual(4);
        expect(stats.peakInstances).toBe(4);
        expect(stats.retired).toBe(crashes);
        expect(stats.started - stats.retired).toBe(stats.instances);
        await fn.close();
        expect(await stillRunning([...pids])).toEqual([]);
      } finally {
        await fn.close();
      }
    });
  }, ['Python2.7', 'Python3.12']);
});
