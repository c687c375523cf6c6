// `fgrun debug attach PORT`, in-process, against a real pdb session of --debug-port on every runtime:
// lines sent together all reach pdb (`p len(event)` then `c`), its answers come back, and the request
// goes on to its answer. Nothing listening, or a bad PORT, is a clear error.
import { describe, expect, it } from 'vitest';
import { createFunction } from '../../src/function/index.js';
import { fixture } from '../helpers/fixtures.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { cli } from '../matrix/fgrun-cli.js';
import { freePort } from './socket-client.js';

describeEachRuntime('fgrun debug attach', (runtime) => {
  it('talks to pdb: p len(event) prints 2, c lets the request finish', async () => {
    const port = await freePort();
    let waiting: () => void = () => {};
    const stopped = new Promise<void>((resolve) => { waiting = resolve; });
    const handle = await createFunction({ code: fixture('debug-breakpoint'), runtime: runtime.runtime, pythonPath: runtime.path },
      { debugPort: port, onNotice: (line) => (line.includes(' pdb waits on ') ? waiting() : undefined) });
    try {
      const invocation = handle.invoke({ name: 'attach', sleep: 0 }, { requestId: 'attach-request' });
      await stopped;
      const run = await cli(['debug', 'attach', String(port)], { input: 'p len(event)\nc\n' });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^> .*index\.py\(\d+\)handler\(\)\n-> .*\n\(Pdb\) 2\n\(Pdb\) $/);
      const answered = await invocation;
      expect([answered.status, answered.body], answered.log).toEqual(['success', 'hello attach']);
    } finally {
      await handle.close({ mode: 'cancel' });
    }
  });
});

describe('fgrun debug attach without a session', () => {
  it('says what to do when nothing listens (exit 1), and names PORT when it is not a port (exit 2)', async () => {
    const port = await freePort();
    expect(await cli(['debug', 'attach', String(port)])).toEqual({ code: 1, stdout: '', stderr: `fgrun: nothing listens on 127.0.0.1:${port}: start the function with --debug-port ${port}, and attach once it stops at breakpoint() (the notice "pdb waits on 127.0.0.1:${port}" says so)\n` });
    expect(await cli(['debug', 'attach', 'x1'])).toEqual({ code: 2, stdout: '', stderr: "fgrun: PORT must be a port number from 1 to 65535, got 'x1'\n" });
  });
});
