// Issue 21, item 1: the debugger port is the user's own. Another local user who connects to
// --debug-port first (pdb: it would get the prompt, and `!open(...)` as fgrun's user; debugpy: a DAP
// session) is closed before a byte, and the owner still attaches after it.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFunction } from '../../src/function/index.js';
import { fixture } from '../helpers/fixtures.js';
import { otherUser, otherUserSkip, PROBE_CLIENT, runAsOther } from '../helpers/other-user.js';
import { newestRuntime, runtimesFound } from '../helpers/runtimes.js';
import { connectTo, freePort } from './socket-client.js';

const DIST = '/usr/lib/python3/dist-packages';
const dapRuntime = runtimesFound.filter((r) => r.runtime === 'Python3.10' || r.runtime === 'Python3.12').at(-1);
const dapSkip = otherUserSkip ?? (!existsSync(join(DIST, 'debugpy')) ? `${DIST}/debugpy missing: apt-get install python3-debugpy` : dapRuntime === undefined ? 'needs Python3.10 or Python3.12' : null);
const deps = mkdtempSync(join(tmpdir(), 'fgrun-debugpy-other-'));
afterAll(() => rmSync(deps, { recursive: true, force: true }));

const INITIALIZE = (() => {
  const body = JSON.stringify({ seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'x', clientID: 'x' } });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
})();

// Waits for the first notice that contains `text`.
function notice(text: string) {
  let wake: (line: string) => void = () => {};
  const found = new Promise<string>((resolve) => { wake = resolve; });
  return { found, onNotice: (line: string) => { if (line.includes(text)) wake(line); } };
}

describe.skipIf(otherUserSkip !== null || !newestRuntime)(`the pdb port refuses another local user [${otherUserSkip ?? newestRuntime?.runtime}]`, () => {
  it('closes the other user\'s connection unanswered and names it in the log; the owner then gets the prompt', async () => {
    const port = await freePort();
    const waiting = notice(' pdb waits on ');
    const handle = await createFunction({ code: fixture('debug-breakpoint'), runtime: newestRuntime!.runtime }, { debugPort: port, onNotice: waiting.onNotice });
    try {
      const invocation = handle.invoke({ name: 'dbg', builtin: true, sleep: 0 }, { requestId: 'other-user' });
      await waiting.found;
      const attack = await runAsOther(otherUser!, PROBE_CLIENT, [String(port), "!open('/tmp/fgrun-pwned', 'w').write('x')\n"]);
      expect(attack, attack.stderr).toMatchObject({ stdout: 'closed', code: 0 });
      const client = await connectTo(port);
      await client.until((data) => data.toString().includes('(Pdb) '), 'the owner\'s prompt');
      client.write('c\n');
      const result = await invocation;
      expect(result.status, result.log).toBe('success');
      expect(result.log).toMatch(new RegExp(`^fgrun: refused a debugger connection from 127\\.0\\.0\\.1:\\d+: it belongs to uid ${otherUser!.uid}, and only uid ${process.getuid!()} \\(the user who runs fgrun\\) may attach$`, 'm'));
      expect(existsSync('/tmp/fgrun-pwned')).toBe(false);
      client.close();
    } finally {
      await handle.close({ mode: 'cancel' });
    }
  });
});

describe.skipIf(dapSkip !== null)(`the debugpy port refuses another local user [${dapSkip ?? dapRuntime?.runtime}]`, () => {
  it('the adapter closes the other user\'s DAP connection unanswered; the owner\'s initialize is answered', async () => {
    for (const name of ['debugpy', 'bytecode']) cpSync(join(DIST, name), join(deps, name), { recursive: true, dereference: true });
    const port = await freePort();
    const waiting = notice('debugpy waits');
    const handle = await createFunction({ code: fixture('echo'), runtime: dapRuntime!.runtime, dependencies: [deps] }, { debugPort: port, onNotice: waiting.onNotice });
    try {
      const invocation = handle.invoke({ hello: 'debugger' });
      await Promise.race([waiting.found, invocation.then((r) => { throw new Error(`ended without waiting: ${r.status}\n${r.log}`); })]);
      const attack = await runAsOther(otherUser!, PROBE_CLIENT, [String(port), INITIALIZE]);
      expect(attack, attack.stderr).toMatchObject({ stdout: 'closed', code: 0 });
      const client = await connectTo(port);
      client.write(INITIALIZE);
      await client.until((data) => data.toString().includes('"command": "initialize"') || data.toString().includes('"command":"initialize"'), 'the owner\'s initialize response');
      client.close();
      await handle.close({ mode: 'cancel' });
      await invocation;
    } finally {
      await handle.close({ mode: 'cancel' });
    }
  });
});
