// --debug-port without debugpy: breakpoint() / pdb.set_trace() serve pdb on 127.0.0.1:PORT. A real
// socket client reaches the prompt, prints the event, continues, and the invocation completes, on
// every runtime; the function's timeout waits while pdb holds it. Without --debug-port, pdb's
// BdbQuit names --debug-port.
import { describe, expect, it } from 'vitest';
import { createFunction } from '../../src/function/index.js';
import { fixture } from '../helpers/fixtures.js';
import { describeEachRuntime, newestRuntime } from '../helpers/runtimes.js';
import { fgrunInProcess, startCli } from '../helpers/cli-io.js';
import { connectTo, freePort } from './socket-client.js';
import { noticeWaiter } from './notices.js';

const PROMPT = '(Pdb) ';
const prompts = (n: number) => (data: Buffer) => data.toString().split(PROMPT).length - 1 >= n;

describeEachRuntime('--debug-port with pdb', (runtime) => {
  const modern = runtime.runtime !== 'Python2.7' && runtime.runtime !== 'Python3.6';

  it(`serves ${modern ? 'breakpoint()' : 'pdb.set_trace()'} on the port: prompt, p event, c; the timeout waits meanwhile`, async () => {
    const port = await freePort();
    const notices = noticeWaiter((line) => line.includes(' pdb waits on '));
    const handle = await createFunction({ code: fixture('debug-breakpoint'), runtime: runtime.runtime, timeout: 3 }, { debugPort: port, onNotice: notices.onNotice });
    try {
      const event = { name: 'dbg', builtin: modern, sleep: 0 };
      const invocation = handle.invoke(event, { requestId: 'debug-request' });
      const line = await notices.found;
      expect(line).toMatch(new RegExp(`^fgrun: breakpoint in request debug-request: pdb waits on 127\\.0\\.0\\.1:${port}, connect with \`fgrun debug attach ${port}\`( \\(.+\\))?; the function's timeout waits while a debugger holds it$`));
      const client = await connectTo(port);
      await client.until(prompts(1), 'the first prompt');
      expect(client.received().toString()).toMatch(/index\.py\(\d+\)handler\(\)/);
      client.write('p event\n');
      const printed = (await client.until(prompts(2), 'the answer to p event')).toString().split(PROMPT)[1]!;
      expect(printed.trim()).toBe(runtime.runtime === 'Python2.7'
        ? "{u'builtin': False, u'sleep': 0, u'name': u'dbg'}"
        : `{'name': 'dbg', 'builtin': ${modern ? 'True' : 'False'}, 'sleep': 0}`);
      // Held past the 3 s timeout: the function is not killed, and its remaining time stood still.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      client.write('p context.getRemainingTimeInMilliSeconds()\n');
      const remaining = Number((await client.until(prompts(3), 'the remaining time')).toString().split(PROMPT)[2]!.trim());
      expect(remaining).toBeGreaterThan(2000);
      expect(remaining).toBeLessThanOrEqual(3000);
      client.write('c\n');
      const result = await invocation;
      expect(result.status, result.log).toBe('success');
      expect(result.body).toBe('hello dbg');
      await client.until(() => client.socket.readableEnded || client.socket.destroyed, 'the session closing with the request');
      client.close();
    } finally {
      await handle.close({ mode: 'cancel' });
    }
  });

  it('without --debug-port, pdb on the empty stdin fails naming --debug-port, not a bare BdbQuit', async () => {
    const handle = await createFunction({ code: fixture('debug-breakpoint'), runtime: runtime.runtime });
    try {
      const result = await handle.invoke({ name: 'x' });
      expect(result.status).toBe('error');
      expect(result.error!.errorType).toBe('BdbQuit');
      expect(result.error!.errorMessage).toBe("function invocation exception, error: breakpoint() / pdb.set_trace() found no debugger: the function's stdin is not a terminal. Run fgrun invoke or serve with --debug-port PORT, then connect with `fgrun debug attach PORT` (docs/debugging.md)");
      expect(result.log).toContain('BdbQuit: breakpoint() / pdb.set_trace() found no debugger');
    } finally {
      await handle.close();
    }
  });
}, undefined, { concurrent: true });

describe.runIf(newestRuntime)('fgrun invoke --debug-port', () => {
  it('prints where to attach on stderr, and the body once pdb continues', async () => {
    const port = await freePort();
    const run = startCli(['invoke', fixture('debug-breakpoint'), '--event', '{"name":"cli"}', '--debug-port', String(port)]);
    const waiting = `pdb waits on 127.0.0.1:${port}, connect with \`fgrun debug attach ${port}\``;
    while (!run.stderr().includes(waiting)) await new Promise((resolve) => setTimeout(resolve, 50));
    const client = await connectTo(port);
    await client.until(prompts(1), 'the first prompt');
    client.write('c\n');
    const { code, stdout, stderr } = await run.done;
    client.close();
    expect(code, stderr).toBe(0);
    expect(stdout).toBe('hello cli');
    expect(stderr.split('\n').filter((line) => line.includes(waiting))).toHaveLength(1);
  });

  it('refuses a port that is not one', async () => {
    expect(await fgrunInProcess(['invoke', fixture('debug-breakpoint'), '--debug-port', '70000'])).toEqual({
      code: 2, stdout: '', stderr: "fgrun: --debug-port must be a port number from 1 to 65535, got '70000'\n",
    });
  });
});

describe.runIf(newestRuntime)('serve --debug-port', () => {
  it('gives each served function its own port: the second one gets PORT+1', async () => {
    const { serve, fn, invokeUrl, urn } = await import('../server/helpers.js');
    const port = await freePort();
    const notices = noticeWaiter((line) => line.includes(' pdb waits on '));
    const server = await serve([fn('echo', { name: 'first' }), fn('debug-breakpoint', { name: 'second' })], { debugPort: port, onNotice: notices.onNotice });
    try {
      const response = fetch(invokeUrl(server, urn('second')), { method: 'POST', body: '{"name": "served"}' });
      expect(await notices.found).toContain(`pdb waits on 127.0.0.1:${port + 1}, connect with`);
      const client = await connectTo(port + 1);
      await client.until(prompts(1), 'the first prompt');
      client.write('c\n');
      const answer = await response;
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe('hello served');
      client.close();
    } finally {
      await server.close();
    }
  });
});
