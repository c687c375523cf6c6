// Issue 21, item 5: the console's live channel is bounded. A stream's snapshot carries a page of
// history, not all of it; a page that never reads is dropped once its buffer is full; at most
// MAX_STREAMS streams are open (then 429); and streams do not hold --max-connections.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BUFFERED_BYTES, MAX_STREAMS } from '../../src/server/console/event-stream.js';
import { SNAPSHOT_SIZE } from '../../src/server/console/history.js';
import type { FgrunServer } from '../../src/server/index.js';
import { fn, invokeUrl, serve, urn } from './helpers.js';

const MAX_CONNECTIONS = 4;
const BIG = 'x'.repeat(60 * 1024);
let server: FgrunServer;
const echo = urn('echo', 'latest', 'local');
const big = () => fetch(invokeUrl(server, echo), { method: 'POST', body: JSON.stringify({ return: BIG }) }).then((r) => r.text());

// A console stream over a raw socket that reads only when told to.
function stream(): Promise<{ socket: Socket; head: () => string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => {
      socket.write('GET /console/api/stream HTTP/1.1\r\nHost: localhost\r\n\r\n');
      resolve({ socket, head: () => received });
    });
    let received = '';
    socket.on('data', (d: Buffer) => { if (received.length < 4096) received += d.toString('latin1'); });
    socket.once('error', reject);
  });
}

beforeAll(async () => {
  server = await serve([fn('server-echo', { name: 'echo' })], { limits: { maxConnections: MAX_CONNECTIONS }, console: {} });
  for (let i = 0; i < SNAPSHOT_SIZE + 10; i++) await big();
});
afterAll(() => server.close());

describe('the console stream', () => {
  it('sends a page of history in its snapshot, not all of it', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      let all = '';
      const s = connect(server.port, '127.0.0.1', () => s.write('GET /console/api/stream HTTP/1.1\r\nHost: localhost\r\n\r\n'));
      s.on('data', (d: Buffer) => {
        all += d.toString('utf8');
        const m = /event: snapshot\ndata: (.*)\n\n/.exec(all);
        if (m) {
          s.destroy();
          resolve(m[1]!);
        }
      });
      s.once('error', reject);
    });
    const snapshot = JSON.parse(text) as { invocations: unknown[] };
    expect(snapshot.invocations).toHaveLength(SNAPSHOT_SIZE);
    const history = (await (await fetch(`${server.url}/console/api/invocations`)).json()) as { invocations: unknown[] };
    expect(history.invocations).toHaveLength(SNAPSHOT_SIZE + 10);
  });

  it(`keeps ${MAX_STREAMS} streams outside --max-connections ${MAX_CONNECTIONS}, refuses one more (429), and drops those that never read`, async () => {
    const streams = [];
    for (let i = 0; i < MAX_STREAMS; i++) {
      const s = await stream();
      streams.push(s);
      // Answered (200) before the next: each is counted once it is a stream.
      while (!s.head().startsWith('HTTP/1.1 200')) await new Promise((resolve) => s.socket.once('data', resolve));
      s.socket.pause();
    }
    const extra = await fetch(`${server.url}/console/api/stream`);
    expect([extra.status, ((await extra.json()) as { error_msg: string }).error_msg]).toEqual([429, `the console already serves ${MAX_STREAMS} live streams; close a console tab`]);
    // The invoke API still has its connections.
    expect(await big()).toBe(BIG);
    // Nobody reads: each push of 60 KB fills their buffers until the server drops every stream.
    const rss = process.memoryUsage().rss;
    while (server.console!.streamsDropped < MAX_STREAMS) await big();
    const pushes = await fetch(`${server.url}/console/api/stream`);
    expect(pushes.status).toBe(200);
    await pushes.body?.cancel();
    // Bounded: the 16 dropped clients held at most their buffer each.
    expect(process.memoryUsage().rss - rss).toBeLessThan(MAX_STREAMS * MAX_BUFFERED_BYTES * 2);
    for (const s of streams) s.socket.destroy();
  });
});
