// Host robustness: a function that writes garbage or an oversized line on the private protocol
// channel, closes stdin, or reads it. The host stays up and every request gets its answer.
import { describe, expect, it } from 'vitest';
import { createFunction, type FunctionHandle } from '../../src/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';
import { stillRunning } from './processes.js';

const CRASH = 'runtime process exited unexpectedly, error: ';

// The pid of the instance that serves the next plain request.
async function pidOf(fn: FunctionHandle): Promise<number> {
  const answer = await fn.invoke({});
  expect(answer.status).toBe('success');
  return (answer.result as { pid: number }).pid;
}

describe.concurrent('protocol robustness', () => {
  describeEachRuntime('protocol robustness', (runtime) => {
    const open = () => createFunction({ code: fixture('fault-protocol'), runtime: runtime.runtime, pythonPath: runtime.path, timeout: 10 });

    it('a line that is not protocol: ProtocolError crash, instance killed, next request fresh', async () => {
      const fn = await open();
      try {
        const pid = await pidOf(fn);
        const broken = await fn.invoke({ do: 'garbage' });
        expect(broken.status).toBe('crash');
        expect(broken.error).toEqual({ errorMessage: CRASH + 'malformed protocol line: this is not protocol', errorType: 'ProtocolError', stackTrace: [] });
        expect(await stillRunning([pid])).toEqual([]);
        expect(await pidOf(fn)).not.toBe(pid);
      } finally {
        await fn.close();
      }
    });

    it('a protocol line over the 8 MB cap: ProtocolError crash, next request fresh', async () => {
      const fn = await open();
      try {
        const pid = await pidOf(fn);
        const broken = await fn.invoke({ do: 'oversized' });
        expect(broken.status).toBe('crash');
        expect(broken.error!.errorMessage).toBe(CRASH + 'protocol line over the 8388608-byte cap');
        expect(await stillRunning([pid])).toEqual([]);
        expect(await pidOf(fn)).not.toBe(pid);
      } finally {
        await fn.close();
      }
    });

    it('closing stdin or reading it changes nothing: stdin is /dev/null, the instance keeps serving', async () => {
      const fn = await open();
      try {
        const pid = await pidOf(fn);
        expect((await fn.invoke({ do: 'read-stdin' })).result).toEqual({ read: '' });
        const closed = await fn.invoke({ do: 'close-stdin' });
        expect(closed.status).toBe('success');
        expect(closed.result).toBe('stdin closed');
        expect(await pidOf(fn)).toBe(pid);
      } finally {
        await fn.close();
      }
    });
  });
});
