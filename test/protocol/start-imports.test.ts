// What a start imports: the bootstrap's modules for the debugger (fgrun_debug, fgrun_peer) and for
// the error path (fgrun_errors) come only when needed, after fgrun's folders have left sys.path
// (fgrun_isolation.own_module); the log's unread count needs no `array` on 3.x, and 2.7 never loads
// its ASCII codec (encodings.ascii: the bootstrap's ASCII goes through str()). The collector, off
// while the bootstrap starts on 3.7+, is on again when the function's module loads. An error then
// still gets its body and its traceback in the log, as before.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Instance, protocolPair } from '../../src/instance/index.js';
import { resolveConfig } from '../../src/config/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';

const code = mkdtempSync(join(tmpdir(), 'fgrun-start-imports-'));
writeFileSync(join(code, 'index.py'), [
  'import gc, sys',
  'COLLECTING = gc.isenabled()',
  'def handler(event, context):',
  '    if event.get("fail"):',
  '        raise ValueError("failed on purpose")',
  '    loaded = [m for m in ("fgrun_debug", "fgrun_peer", "fgrun_errors", "array", "encodings.ascii") if m in sys.modules]',
  '    return {"loaded": loaded, "path": [p for p in sys.path if "bootstrap" in p or "pyshim" in p], "gc": [COLLECTING, gc.isenabled()]}',
  '',
].join('\n'));

afterAll(() => rmSync(code, { recursive: true, force: true }));

describeEachRuntime('start imports', (runtime) => {
  it('imports the debugger and the error path only when needed; an error still gets its body and logged traceback', async () => {
    const instance = new Instance({ config: resolveConfig({ code, runtime: runtime.runtime, pythonPath: runtime.path }), runtime, protocol: await protocolPair() });
    try {
      expect((await instance.start()).kind).toBe('done');
      const ask = async (id: string, event: object) => {
        const outcome = await instance.invoke(id, Buffer.from(JSON.stringify(event)));
        if (outcome.kind !== 'done') throw new Error(`${id}: ${outcome.kind}`);
        return outcome;
      };
      const first = await ask('r1', {});
      // 2.7's ioctl takes only an old-style buffer: the array module stays there.
      const array = runtime.runtime === 'Python2.7' ? ['array'] : [];
      expect(JSON.parse(first.payload!.toString())).toEqual({ loaded: array, path: [], gc: [true, true] });
      const failed = await ask('r2', { fail: true });
      expect(failed.message.ok).toBe(false);
      expect(failed.message.error).toMatchObject({ code: 'invocation', type: 'ValueError', message: 'failed on purpose' });
      const frames = failed.message.error!.stackTrace;
      expect(frames).toHaveLength(1);
      expect(frames[0]).toContain(`File "${join(code, 'index.py')}", line 5, in handler`);
      expect(failed.log).toMatch(/^Traceback \(most recent call last\):\n {2}File "[^"]*index\.py", line 5, in handler\n[\s\S]*ValueError: failed on purpose\n$/);
      const after = await ask('r3', {});
      expect(JSON.parse(after.payload!.toString())).toEqual({ loaded: ['fgrun_errors', ...array], path: [], gc: [true, true] });
    } finally {
      await instance.stop();
    }
  });
});
