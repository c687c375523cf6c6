// A function that takes its log streams away (closes fd 2, or fds 1 and 2, or dups /dev/null over
// them) and returns normally gets its result at once, not a 4010 timeout: the bootstrap fences each
// request's log on a private duplicate of the log pipe. The log ends where the function closed it.
import { describe, expect, it } from 'vitest';
import { createFunction } from '../../src/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';

// The function's own output: the log between the Start and Finish lines.
const output = (log: string) => log.replace(/^[^\n]* Start invoke request [^\n]*\n/, '').replace(/[^\n]* Finish invoke request [^]*$/, '');

describe.concurrent('log streams taken away', () => {
  describeEachRuntime('fd 1 and 2', (runtime) => {
    it.each([
      // what it did, its event, its log, the next request's log (fd 1 still writes to the log, or not)
      ['closes fd 2', { close: [2] }, 'before\nafter\n', 'after\n'],
      ['closes fds 1 and 2', { close: [1, 2] }, 'before\n', ''],
      ['dups /dev/null over fds 1 and 2', { dup: 'devnull' }, 'before\n', ''],
    ] as const)('a function that %s and returns is answered with its result; the instance serves the next request', async (_, event, log, nextLog) => {
      const fn = await createFunction({ code: fixture('fault-stdio'), runtime: runtime.runtime, pythonPath: runtime.path, timeout: 5 });
      try {
        const first = await fn.invoke({ ...event, n: 1 });
        expect([first.status, first.error]).toEqual(['success', null]);
        expect(output(first.log)).toBe(log);
        const pid = (first.result as { pid: number }).pid;
        expect(first.result).toEqual({ pid, n: 1 });
        const next = await fn.invoke({ n: 2 });
        expect([next.status, next.result]).toEqual(['success', { pid, n: 2 }]);
        expect(output(next.log)).toBe(nextLog);
      } finally {
        await fn.close();
      }
    });
  }, undefined, { concurrent: true });
});
