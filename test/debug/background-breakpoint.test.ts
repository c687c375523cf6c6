// --debug-port with pdb, a breakpoint in a thread the function started, reached after its request
// (fixtures/functions/debug-background). Reached while the loop writes a large result, its `debug`
// frame waits for the result's last byte (frames from two threads never interleave); reached between
// requests, the host still says where to attach, and no request is held; and a result that waits for
// its log's fence while the next frame is read into the host's reused buffer keeps its bytes. Real
// interpreters, a real socket client; every wait is for a condition.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createFunction, type FunctionHandle } from '../../src/function/index.js';
import { fixture } from '../helpers/fixtures.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import type { RuntimeId } from '../../src/runtimes/index.js';
import { connectTo, freePort } from './socket-client.js';
import { noticeWaiter } from './notices.js';

const PROMPT = '(Pdb) ';
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
// The race's result: 5 MB of text, which the kernel takes in ~1000 pieces (the fixture narrows the
// protocol socket's send buffer to its least, ~4.5 KB).
const RACE_BYTES = 5_000_000;

const text = (size: number) => DIGITS.repeat(Math.ceil(size / DIGITS.length)).slice(0, size);
// Where two texts first differ, -1 where they are the same.
function firstDifference(got: string, want: string): number {
  if (got === want) return -1;
  let i = 0;
  while (i < got.length && i < want.length && got.charCodeAt(i) === want.charCodeAt(i)) i++;
  return i;
}

// The lent case's result: whole in one read of the host's 64 KiB buffer.
const LENT_BYTES = 60_000;

// The notices for a breakpoint outside any request, and in request `id` (src/function/debug-line.ts).
const inRequestLine = (id: string, port: number) =>
  `fgrun: breakpoint in request ${id}: pdb waits on 127.0.0.1:${port}, connect with \`fgrun debug attach ${port}\`; the function's timeout waits while a debugger holds it`;
const outsideLine = (port: number) =>
  `fgrun: breakpoint outside a request (a thread the function started, between requests): pdb waits on 127.0.0.1:${port}, connect with \`fgrun debug attach ${port}\`; no request's timeout waits for it`;

// The handle's notices, and `found`: the first that says where pdb waits.
const notices = () => noticeWaiter((line) => line.includes(' pdb waits on '));

// Attach to the thread's pdb, check where it stopped, and continue it; then the next request (which
// waits for the thread to end) answers what the thread's function returned, and the session closes
// with that request.
async function continueThread(handle: FunctionHandle, port: number): Promise<void> {
  const client = await connectTo(port);
  try {
    const first = await client.until((data) => data.toString().includes(PROMPT), 'the prompt');
    expect(first.toString()).toMatch(/[/\\]index\.py\(\d+\)stopped_after_the_request\(\)\n-> return "continued"\n\(Pdb\) $/);
    client.write('c\n');
    const joined = await handle.invoke({ join: true }, { requestId: 'joins-thread' });
    expect([joined.status, joined.body]).toEqual(['success', 'continued']);
    await client.until(() => client.socket.readableEnded || client.socket.destroyed, 'the session closing with the request');
    expect(client.received().toString()).toBe(first.toString());
  } finally {
    client.close();
  }
}

async function withFunction(runtime: RuntimeId, port: number, onNotice: (line: string) => void, body: (handle: FunctionHandle) => Promise<void>, code = fixture('debug-background')): Promise<void> {
  const handle = await createFunction({ code, runtime, timeout: 30 }, { debugPort: port, onNotice });
  try {
    await body(handle);
  } finally {
    await handle.close({ mode: 'cancel' });
  }
}

describeEachRuntime('--debug-port: a breakpoint in a thread after its request', (runtime) => {
  it('reached while the result is written: the body is exact, then pdb waits and the instance serves on', async () => {
    const port = await freePort();
    const said = notices();
    await withFunction(runtime.runtime, port, said.onNotice, async (handle) => {
      const result = await handle.invoke({ race: RACE_BYTES }, { requestId: 'race' });
      expect(result.status, result.log).toBe('success');
      // Byte for byte: the first difference (-1: none), and what stands there instead.
      const want = text(RACE_BYTES);
      const at = firstDifference(result.body, want);
      expect(at, JSON.stringify(result.body.slice(at, at + 120))).toBe(-1);
      expect(result.body.length).toBe(RACE_BYTES);
      expect(await said.found).toBe(outsideLine(port));
      await continueThread(handle, port);
      expect(said.seen).toEqual([outsideLine(port)]);
    });
  });

  it('reached between requests: the host says where to attach, and the instance serves meanwhile and after', async () => {
    const port = await freePort();
    const said = notices();
    await withFunction(runtime.runtime, port, said.onNotice, async (handle) => {
      const started = await handle.invoke({ idle: true }, { requestId: 'starts-thread' });
      expect([started.status, started.body]).toEqual(['success', 'started']);
      expect(await said.found).toBe(outsideLine(port));
      // Served while pdb waits, with no hold: its clock runs, from its own 30 s.
      const meanwhile = await handle.invoke({ clock: true }, { requestId: 'meanwhile' });
      expect(meanwhile.status, meanwhile.log).toBe('success');
      expect(Number(meanwhile.body)).toBeGreaterThan(0);
      expect(Number(meanwhile.body)).toBeLessThanOrEqual(30_000);
      await continueThread(handle, port);
      const after = await handle.invoke({}, { requestId: 'after' });
      expect([after.status, after.body]).toEqual(['success', 'ok']);
      expect(said.seen).toEqual([outsideLine(port)]);
    });
  });

  // The host lends a result's payload as a view of its reused read buffer, and copies it when the
  // result waits for its log's fence (instance.ts onFrame). Here the fence is held back until the
  // host has read the thread's `debug` frame into that buffer: the frame, longer than the result's
  // header (its codeRoot is a long folder name), overwrites the first bytes of the result's body
  // there, which an uncopied view would answer with.
  it('a result waiting for its fence keeps its bytes while the next frame is read into the same buffer', async () => {
    const port = await freePort();
    const said = notices();
    const parent = mkdtempSync(join(tmpdir(), 'fgrun-lent-'));
    const code = join(parent, 'a-code-folder-whose-long-name-makes-the-debug-frame-longer-than-a-result-header'.repeat(2));
    mkdirSync(code);
    copyFileSync(join(fixture('debug-background'), 'index.py'), join(code, 'index.py'));
    try {
      await withFunction(runtime.runtime, port, said.onNotice, async (handle) => {
        const result = await handle.invoke({ lent: LENT_BYTES }, { requestId: 'lent' });
        expect(result.status, result.log).toBe('success');
        const at = firstDifference(result.body, text(LENT_BYTES));
        expect(at, JSON.stringify(result.body.slice(at, at + 120))).toBe(-1);
        expect(result.body.length).toBe(LENT_BYTES);
        // The frame came while the result waited for its fence: in the request, for the host.
        expect(said.seen).toEqual([inRequestLine('lent', port)]);
        await continueThread(handle, port);
      }, code);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
}, undefined, { concurrent: true });
