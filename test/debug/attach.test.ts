// Issue 19 item 6: `fgrun debug attach PORT` talks to the pdb session a breakpoint serves, without
// nc: pdb's prompt on stdout, typed lines to pdb, and it ends with the session (exit 0).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { createFunction } from '../../src/function/index.js';
import { fgrunInProcess } from '../helpers/cli-io.js';
import { fixture } from '../helpers/fixtures.js';
import { newestRuntime } from '../helpers/runtimes.js';
import { freePort } from './socket-client.js';

describe.runIf(newestRuntime)('fgrun debug attach', () => {
  it('shows the prompt, sends what is typed, and exits 0 when the session ends', async () => {
    const port = await freePort();
    let waiting: () => void = () => {};
    const listening = new Promise<void>((resolve) => { waiting = resolve; });
    const handle = await createFunction({ code: fixture('debug-breakpoint'), runtime: newestRuntime!.runtime }, {
      debugPort: port, onNotice: (line) => { if (line.includes(' pdb waits on ')) waiting(); },
    });
    try {
      const invocation = handle.invoke({ name: 'attach', builtin: true, sleep: 0 });
      await listening;
      const stdin = new PassThrough();
      const out: string[] = [];
      const err: string[] = [];
      const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c.toString()));
      const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c.toString()));
      const io: Io = { stdin, stdout, stderr, stdoutIsTTY: false, exitCode: 0 };
      const done = main(['debug', 'attach', String(port)], io);
      const until = async (text: string, count = 1) => {
        while (out.join('').split(text).length - 1 < count) await new Promise((resolve) => stdout.once('data', resolve));
      };
      await until('(Pdb) ');
      stdin.write('p event["name"]\n');
      await until('(Pdb) ', 2);
      expect(out.join('').split('(Pdb) ')[1]!.trim()).toBe("'attach'");
      stdin.write('c\n');
      const result = await invocation;
      expect([result.status, result.body]).toEqual(['success', 'hello attach']);
      expect(await done).toBe(0);
      expect(err.join('')).toBe(`fgrun: attached to pdb on 127.0.0.1:${port}; \`c\` continues the function, \`q\` stops it; the session ends with the request\nfgrun: the pdb session ended\n`);
    } finally {
      await handle.close({ mode: 'cancel' });
    }
  });

  it('says when nothing listens, and what it takes', async () => {
    const port = await freePort();
    expect(await fgrunInProcess(['debug', 'attach', String(port)])).toEqual({
      code: 2, stdout: '', stderr: `fgrun: nothing answers on 127.0.0.1:${port} (ECONNREFUSED): start fgrun invoke or serve with --debug-port ${port}, and attach once it prints that pdb waits there\n`,
    });
    expect((await fgrunInProcess(['debug', 'detach', '1'])).stderr).toBe("fgrun: fgrun debug knows one action, attach (fgrun debug attach PORT), not 'detach'\n");
  });
});
