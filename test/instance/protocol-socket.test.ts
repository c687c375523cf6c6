// The protocol's socket pair (instance/protocol-socket.ts) and the frame reader fed from one reused
// buffer: every frame whole and unchanged, however the bytes are cut, after the buffer is read into again.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFunction } from '../../src/index.js';
import { protocolPair } from '../../src/instance/index.js';
import { FrameReader, type PythonMessage } from '../../src/protocol/index.js';
import { describeEachRuntime, newestRuntime } from '../helpers/runtimes.js';

const result = (id: string, body: string) => `{"type":"result","id":"${id}","ok":true,"kind":"str","size":${Buffer.byteLength(body)},"durationMs":0.5,"maxRssKb":9000,"fenced":false}\n${body}\n`;

describe('protocol socket pair', () => {
  it('connects the child end to the reader', async () => {
    const pair = await protocolPair();
    if (pair === null) throw new Error('no pair');
    const seen: string[] = [];
    const got = new Promise<void>((resolve) => {
      pair.sink = (chunk) => {
        seen.push(chunk.toString());
        if (seen.join('') === 'ping\n') resolve();
      };
    });
    pair.child.write('ping\n');
    await got;
    expect(seen.join('')).toBe('ping\n');
    pair.child.destroy();
    pair.reader.destroy();
  });
});

describe('protocol socket pair, where none can be made', () => {
  it('answers null (the instance then reads a pipe) instead of failing', async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = '/nonexistent-fgrun-test';
    try {
      expect(await protocolPair()).toBeNull();
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});

describe('FrameReader on a reused buffer', () => {
  it('keeps payloads and partial frames intact after the buffer is overwritten', () => {
    const frames: Array<{ message: PythonMessage; payload: string | null }> = [];
    const kept: Array<Buffer | null> = [];
    const reader = new FrameReader((message, payload) => {
      kept.push(payload);
      frames.push({ message, payload: payload?.toString() ?? null });
    }, (e) => { throw e; }, undefined, true);
    const bodies = ['short', 'x'.repeat(70_000), '{"k": "中文"}', ''];
    const stream = Buffer.from(bodies.map((b, i) => result(`r${i}`, b)).join(''));
    const buffer = Buffer.alloc(4096);
    for (let at = 0; at < stream.length; at += 1000) {
      const n = stream.copy(buffer, 0, at, at + 1000);
      reader.push(buffer.subarray(0, n));
      buffer.fill(0x21);
    }
    expect(frames.map((f) => [f.message.type, (f.message as { id: string }).id, f.payload])).toEqual(bodies.map((b, i) => ['result', `r${i}`, b]));
    // The payloads handed out still hold their bytes after every later read.
    expect(kept.map((p) => p?.toString())).toEqual(bodies);
  });
});

describe('FrameReader lending payloads from a reused buffer (the warm path reads them at once)', () => {
  it('lends a payload whole in its chunk uncopied, and copies one that spans chunks', () => {
    const seen: Array<{ id: string; body: string; lent: boolean; shares: boolean }> = [];
    const buffer = Buffer.alloc(4096);
    const reader = new FrameReader((message, payload, lent) => {
      seen.push({ id: (message as { id: string }).id, body: payload?.toString() ?? '', lent, shares: payload?.buffer === buffer.buffer });
    }, (e) => { throw e; }, undefined, true, true);
    const whole = Buffer.from(result('r0', 'short'));
    whole.copy(buffer);
    reader.push(buffer.subarray(0, whole.length));
    const split = Buffer.from(result('r1', 'x'.repeat(3000)));
    for (let at = 0; at < split.length; at += 1000) {
      const n = split.copy(buffer, 0, at, at + 1000);
      reader.push(buffer.subarray(0, n));
      buffer.fill(0x21);
    }
    expect(seen).toEqual([
      { id: 'r0', body: 'short', lent: true, shares: true },
      { id: 'r1', body: 'x'.repeat(3000), lent: false, shares: false },
    ]);
  });
});

// What the interpreter's protocol channel is: the bootstrap keeps it on a private fd past stdio. A
// pair's end carries the listening socket's name (a path in fgrun's private folder); Node's stdio
// "pipes" are unnamed socketpairs (libuv makes them so).
const CHANNEL = `import os
import socket


def handler(event, context):
    names = []
    for fd in range(3, 64):
        try:
            if not os.readlink("/proc/self/fd/{0}".format(fd)).startswith("socket:"):
                continue
            s = socket.fromfd(fd, socket.AF_UNIX, socket.SOCK_STREAM)
            name = s.getsockname()
            s.close()
            names.append("pair" if "fgrun-protocol-" in str(name) else "stdio")
        except (OSError, socket.error):
            pass
    return "pair" if "pair" in names else "stdio only"
`;

describeEachRuntime('the protocol channel a handle gets', (runtime) => {
  const code = mkdtempSync(join(tmpdir(), 'fgrun-fds-'));
  writeFileSync(join(code, 'index.py'), CHANNEL);
  afterAll(() => rmSync(code, { recursive: true, force: true }));

  it('a socket pair by default (serve, the library); a pipe when created shortLived (invoke, matrix)', async () => {
    for (const [shortLived, kinds] of [[false, 'pair'], [true, 'stdio only']] as const) {
      const fn = await createFunction({ code, runtime: runtime.runtime, pythonPath: runtime.path }, { shortLived });
      try {
        const invocation = await fn.invoke({});
        expect(invocation.status).toBe('success');
        expect(invocation.body).toBe(kinds);
      } finally {
        await fn.close();
      }
    }
  });
});

// function/warm-up.ts makes the pair of a process's next instance start while the last one starts, so
// that the folder, listen, connect and accept are not before that spawn. Witness: with pairs made
// impossible (TMPDIR gone) after the first start, the next instance still reads a pair, the one
// after it a pipe (its pair, made ahead meanwhile, could not be made).
describe.runIf(newestRuntime)('a pair made ahead', () => {
  const code = mkdtempSync(join(tmpdir(), 'fgrun-ahead-'));
  writeFileSync(join(code, 'index.py'), CHANNEL);
  afterAll(() => rmSync(code, { recursive: true, force: true }));

  it("the next instance start takes the pair made while the last one started", async () => {
    const channel = async () => {
      const fn = await createFunction({ code, runtime: newestRuntime!.runtime, pythonPath: newestRuntime!.path });
      try {
        return (await fn.invoke({})).body;
      } finally {
        await fn.close();
      }
    };
    expect(await channel()).toBe('pair');
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = '/nonexistent-fgrun-test';
    try {
      expect([await channel(), await channel()]).toEqual(['pair', 'stdio only']);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(await channel()).toBe('pair');
  });
});
