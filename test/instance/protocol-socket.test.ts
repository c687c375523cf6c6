// The protocol's socket pair (instance/protocol-socket.ts) and the frame reader fed from one reused
// buffer: every frame whole and unchanged, however the bytes are cut, after the buffer is read into again.
import { describe, expect, it } from 'vitest';
import { protocolPair } from '../../src/instance/index.js';
import { FrameReader, type PythonMessage } from '../../src/protocol/index.js';

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
