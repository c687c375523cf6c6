// The Context beyond the guide (the OTC FunctionGraph runtime mock's methods) and the logger's split
// of a line over 90 KB, on every runtime found (docs/results.md, "Context beyond the guide").
import { afterAll, expect, it } from 'vitest';
import { createFunction, type FunctionHandle } from '../../src/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';

describeEachRuntime('context beyond the guide', (runtime) => {
  let handle: FunctionHandle;
  const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
  afterAll(async () => {
    await handle?.close();
  });

  it('gives the request id as invoke and trace id, empty workflow ids, no invoke property; state and instance id last the instance', async () => {
    handle = await createFunction({ code: fixture('context-extras'), runtime: runtime.runtime, pythonPath: runtime.path });
    const first = await handle.invoke({}, { requestId: id(1) });
    const pid = (first.result as { pid: string }).pid;
    expect(first.result).toEqual({ invokeId: id(1), traceId: id(1), workflow: ['', '', ''], invokeProperty: null, state: null, instanceId: pid, pid });
    const set = await handle.invoke({ set_state: { count: 1 }, set_instance_id: 'mine' }, { requestId: id(2) });
    expect(set.result).toMatchObject({ invokeId: id(2), state: { count: 1 }, instanceId: 'mine' });
    const warm = await handle.invoke({}, { requestId: id(3) });
    expect(warm.result).toMatchObject({ traceId: id(3), state: { count: 1 }, instanceId: 'mine', pid });
  });

  it('writes a log line over 90 KB as lines of at most 90 KB, each with the line\'s head', async () => {
    const inv = await handle.invoke({ long: 200_000 }, { requestId: id(4) });
    expect(inv.body).toBe('logged');
    const lines = inv.log.split('\n').filter((l) => l.includes(` ${id(4)} INFO `));
    const head = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ [0-9a-f-]{36} INFO /;
    expect(lines.map((l) => [head.test(l), l.length <= 90 * 1024])).toEqual([[true, true], [true, true], [true, true]]);
    expect(lines.map((l) => l.replace(head, '')).join('')).toBe('x'.repeat(200_000));
  });
});
