// Payload limits (6 MB each way, FunctionGraph's synchronous limits): a 5 MB event round trip works,
// a 7 MB event is refused before anything runs, a result over 6 MB is answered with the 4004 text;
// neither refusal kills the instance.
import { describe, expect, it } from 'vitest';
import { createFunction, EventError, MAX_EVENT_BYTES } from '../../src/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';

const MB = 1024 * 1024;

describe.concurrent('payload limits', () => {
  describeEachRuntime('payload limits', (runtime) => {
    const open = () => createFunction({ code: fixture('fault-payload'), runtime: runtime.runtime, pythonPath: runtime.path, timeout: 30 });

    it('round-trips a 5 MB event', async () => {
      const fn = await open();
      try {
        const text = 'é'.repeat(MB) + 'x'.repeat(3 * MB);
        const echoed = await fn.invoke({ echo: text });
        expect(echoed.status).toBe('success');
        expect(Buffer.byteLength(echoed.body)).toBe(5 * MB);
        expect(echoed.result).toBe(text);
      } finally {
        await fn.close();
      }
    });

    it('refuses a 7 MB event with FGRUN_EVENT_TOO_LARGE and keeps serving from the same instance', async () => {
      const fn = await open();
      try {
        const before = (await fn.invoke({})).result as { pid: number };
        const refused = fn.invoke({ echo: 'x'.repeat(7 * MB) });
        await expect(refused).rejects.toBeInstanceOf(EventError);
        await expect(refused).rejects.toMatchObject({
          code: 'FGRUN_EVENT_TOO_LARGE',
          message: `the event is ${7 * MB + 11} bytes; FunctionGraph accepts at most ${MAX_EVENT_BYTES} bytes (6 MB) for a synchronous request`,
        });
        const after = await fn.invoke({});
        expect(after.result).toEqual(before);
      } finally {
        await fn.close();
      }
    });

    it('refuses a result over 6 MB with the 4004 text, accepts exactly 6 MB, and keeps the instance', async () => {
      const fn = await open();
      try {
        const before = (await fn.invoke({})).result as { pid: number };
        const tooBig = await fn.invoke({ bytes: 6 * MB + 1 });
        expect(tooBig.status).toBe('error');
        expect(tooBig.error).toEqual({
          errorMessage: `the return value of the function exceeds the maximum allowed limit: ${6 * MB + 1} bytes, the limit is ${6 * MB}`,
          errorType: 'ResultTooLarge',
          stackTrace: [],
        });
        const limit = await fn.invoke({ bytes: 6 * MB });
        expect(limit.status).toBe('success');
        expect(limit.body.length).toBe(6 * MB);
        expect((await fn.invoke({})).result).toEqual(before);
      } finally {
        await fn.close();
      }
    });
  });
});
