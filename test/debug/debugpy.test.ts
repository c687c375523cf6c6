// --debug-port with debugpy among the function's dependencies (a copy of Debian's python3-debugpy,
// installed by .ci/run): the function waits for a client before the handler; a real DAP client
// (initialize, attach, configurationDone) attaches over the socket and the invocation completes.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFunction } from '../../src/function/index.js';
import { fixture } from '../helpers/fixtures.js';
import { runtimesFound } from '../helpers/runtimes.js';
import { connectTo, freePort, type Client } from './socket-client.js';

const DIST = '/usr/lib/python3/dist-packages';
// Debian unvendors pydevd (symbolic links, followed when copying) and its `bytecode` dependency,
// whose typing needs 3.10+ without typing_extensions.
const runtime = runtimesFound.filter((r) => r.runtime === 'Python3.10' || r.runtime === 'Python3.12').at(-1);
const why = !existsSync(join(DIST, 'debugpy')) ? `${DIST}/debugpy missing: apt-get install python3-debugpy (.ci/run does)`
  : runtime === undefined ? 'needs Python3.10 or Python3.12' : null;

const deps = mkdtempSync(join(tmpdir(), 'fgrun-debugpy-'));
afterAll(() => rmSync(deps, { recursive: true, force: true }));

// One Debug Adapter Protocol message: a Content-Length header and the JSON body.
function dap(seq: number, command: string, args: object): string {
  const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

// The DAP messages received so far.
function messages(client: Client): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  let rest = client.received();
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return out;
    const length = Number(/Content-Length: (\d+)/i.exec(rest.subarray(0, end).toString())?.[1]);
    if (rest.length < end + 4 + length) return out;
    out.push(JSON.parse(rest.subarray(end + 4, end + 4 + length).toString()) as Record<string, unknown>);
    rest = rest.subarray(end + 4 + length);
  }
}

const has = (client: Client, test: (m: Record<string, unknown>) => boolean) => () => messages(client).some(test);

describe.skipIf(why !== null)(`--debug-port with debugpy [${runtime?.runtime ?? why}]`, () => {
  it('waits for a DAP client before the handler runs, then completes', async () => {
    for (const name of ['debugpy', 'bytecode']) cpSync(join(DIST, name), join(deps, name), { recursive: true, dereference: true });
    const port = await freePort();
    let listening: (line: string) => void = () => {};
    const line = new Promise<string>((resolve) => { listening = resolve; });
    const handle = await createFunction({ code: fixture('echo'), runtime: runtime!.runtime, dependencies: [deps] }, {
      debugPort: port, onNotice: (text) => { if (text.includes('debugpy waits')) listening(text); },
    });
    try {
      const invocation = handle.invoke({ hello: 'debugger' }, { requestId: 'dap-request' });
      // The invocation ending first (debugpy did not start) fails here with its log.
      const first = await Promise.race([line, invocation.then((r) => `ended without waiting: ${r.status}\n${r.log}`)]);
      expect(first).toBe(`fgrun: debugpy waits on 127.0.0.1:${port} in request dap-request: attach your IDE there (VS Code: a "debugpy" attach configuration, pathMappings remoteRoot ${fixture('echo')}, docs/debugging.md); the function's timeout waits while a debugger holds it`);
      const client = await connectTo(port);
      client.write(dap(1, 'initialize', { adapterID: 'fgrun-test', clientID: 'fgrun-test', pathFormat: 'path' }));
      await client.until(has(client, (m) => m['type'] === 'response' && m['command'] === 'initialize'), 'the initialize response');
      expect(messages(client).find((m) => m['command'] === 'initialize')).toMatchObject({ type: 'response', success: true, body: { supportsConfigurationDoneRequest: true } });
      client.write(dap(2, 'attach', { justMyCode: true }));
      await client.until(has(client, (m) => m['event'] === 'initialized'), 'the initialized event');
      client.write(dap(3, 'configurationDone', {}));
      const result = await invocation;
      expect(result.status, result.log).toBe('success');
      expect(JSON.parse(result.body)).toEqual({ hello: 'debugger' });
      client.close();
    } finally {
      await handle.close({ mode: 'cancel' });
    }
  });
});
