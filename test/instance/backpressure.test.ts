// A 6 MB event to an interpreter that is not reading (stopped): the host's writes wait for 'drain'
// instead of piling up, and the event arrives whole once the reader goes on.
import { expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { MAX_PAYLOAD_BYTES } from '../../src/contract/index.js';
import { Instance } from '../../src/instance/index.js';
import { fixture } from '../helpers/fixtures.js';
import { describeEachRuntime } from '../helpers/runtimes.js';

describeEachRuntime('stdin backpressure', (runtime) => {
  it('holds a 6 MB event until a stopped reader drains the pipe, then delivers it whole', async () => {
    const instance = new Instance({ config: resolveConfig({ code: fixture('fault-payload'), timeout: 60 }), runtime });
    try {
      expect((await instance.start()).kind).toBe('done');
      // {"echo":"xxx..."}: exactly the limit; the handler answers the string.
      const text = 'x'.repeat(MAX_PAYLOAD_BYTES - 11);
      const event = Buffer.from(JSON.stringify({ echo: text }));
      expect(event.length).toBe(MAX_PAYLOAD_BYTES);
      process.kill(instance.pid, 'SIGSTOP');
      const ran = instance.invoke('big', event);
      expect(instance.backpressured).toBe(true);
      process.kill(instance.pid, 'SIGCONT');
      const outcome = await ran;
      expect(outcome.kind).toBe('done');
      expect(instance.backpressured).toBe(false);
      if (outcome.kind !== 'done') return;
      expect(outcome.message.ok).toBe(true);
      expect(outcome.payload!.toString('utf8') === text).toBe(true);
    } finally {
      await instance.stop();
    }
  });
});
