// The protocol channel is private: every way a function can write output ends up in its log, in
// order, and nothing it prints (even a line shaped like a protocol message) changes the result.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFunction, type FunctionHandle } from '../../src/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';

describeEachRuntime('output paths', (runtime) => {
  let h: FunctionHandle;
  beforeAll(async () => {
    h = await createFunction({ code: fixture('output-paths'), runtime: runtime.runtime });
  });
  afterAll(async () => {
    await h.close();
  });

  it('keeps the result intact and every line in the log, in order', async () => {
    const streamed: string[] = [];
    const inv = await h.invoke({}, { onLog: (t) => streamed.push(t) });
    expect(inv.status).toBe('success');
    expect(inv.result).toEqual({ intact: true });
    expect(inv.body).toBe('{"intact": true}');
    const id = inv.requestId;
    const lines = inv.log.split('\n');
    expect(lines[0]).toContain(`Start invoke request '${id}'`);
    expect(lines.slice(1, 12).map((l) => l.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /, 'T '))).toEqual([
      '1 print',
      '2 sys.stdout.write',
      '3 sys.stderr.write',
      '4 os.write fd 1',
      '5 os.write fd 2',
      '6 child stdout',
      '7 child stderr',
      `T ${id} INFO 8 logger info`,
      `{"type":"result","id":"${id}","ok":true,"kind":"str","size":4,"durationMs":1,"maxRssKb":1}`,
      'done',
      '10 no newline at the end',
    ]);
    expect(lines[12]).toContain(`Finish invoke request '${id}'`);
    expect(lines).toHaveLength(14);
    // the live stream carries the same log, Start and Finish lines included
    expect(streamed.join('')).toBe(inv.log);
  });

  it('keeps each request\'s output with its own request', async () => {
    const a = await h.invoke({});
    const b = await h.invoke({});
    expect(a.log).toContain(`INFO 8 logger info`);
    expect(a.log.match(/1 print/g)).toHaveLength(1);
    expect(b.log.match(/1 print/g)).toHaveLength(1);
    expect(b.log).not.toContain(a.requestId);
  });

  it('flushes a sys.stdout the function replaced with a holding stream: each request gets its own line', async () => {
    const held = await createFunction({ code: fixture('held-stdout'), runtime: runtime.runtime });
    try {
      for (const n of [1, 2, 3]) {
        const inv = await held.invoke({ n });
        expect(inv.result).toBe(n);
        const lines = inv.log.split('\n');
        expect(lines.slice(1, -2), `request ${n}`).toEqual([`held ${n}`]);
      }
    } finally {
      await held.close();
    }
  });
});
