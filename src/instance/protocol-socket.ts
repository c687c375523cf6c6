// The protocol's read side below Node's Readable stream. A child's stdio pipes come wrapped in a
// net.Socket that reads through the stream machinery (onStreamRead, readableAddChunk, 'data'), ~2.5 us
// of Node's main thread per warm request (docs/performance.md, "Issue 22, third pass"); net.Socket's
// `onread` (one reused buffer, a plain callback) is offered only for sockets Node connects itself.
// So the interpreter's fd 1 is the accepted end of a Unix socket connection the host made, whose
// connecting end the host reads with `onread`. Node has no socketpair(): each pair is made through a
// listening socket in a new folder only this user can enter (platform/temp.ts: 0700, a random name;
// an abstract socket's name would be readable by every user in /proc/net/unix), closed and removed
// once it has accepted.
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { tempFolder, type TempFolder } from '../platform/temp.js';

const READ_BUFFER_BYTES = 64 * 1024;

/** A connected pair: the host reads `reader`; `child` becomes the interpreter's fd 1 (then closed here). */
export interface ProtocolPair {
  reader: Socket;
  child: Socket;
  /** Where each read goes: a view of the reused buffer, valid only until the callback returns. */
  sink: (chunk: Buffer) => void;
}

// A new pair for one instance, or null where none can be made (the instance then reads a stdout pipe).
// The pair saves Node's main thread ~2.5 us per warm request and costs a folder, a listen, a connect
// and an accept (~5-7 ms, several event-loop turns) before the spawn: a handle created `shortLived`
// (the CLI's invoke, a matrix) makes none (function/warm-up.ts).
export async function protocolPair(): Promise<ProtocolPair | null> {
  let dir: TempFolder | null = null;
  const server = createServer();
  try {
    dir = tempFolder('fgrun-protocol-');
    const path = join(dir.path, 'p');
    const accepted = new Promise<Socket>((resolve, reject) => {
      server.once('connection', resolve);
      server.once('error', reject);
    });
    // Awaited below only once listening succeeded: a failure before that is the listen's to report.
    accepted.catch(() => {});
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, resolve);
    });
    const pair = { sink: (_chunk: Buffer) => {} } as ProtocolPair;
    const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    pair.reader = connect({ path, onread: { buffer, callback: (n: number, buf: Uint8Array) => {
      pair.sink((buf as Buffer).subarray(0, n));
      return true;
    } } });
    // A read error ends the socket; the interpreter's exit settles what was pending (instance.ts).
    pair.reader.on('error', () => {});
    const connected = new Promise<void>((resolve) => pair.reader.once('connect', resolve));
    // Out of file descriptors, libuv accepts and closes the connection itself (its EMFILE trick) and
    // the server reports nothing: the connecting end only sees the close.
    const failed = new Promise<never>((_, reject) => {
      pair.reader.once('error', reject);
      pair.reader.once('close', () => reject(new Error('the protocol connection closed before it was accepted')));
    });
    [pair.child] = await Promise.race([Promise.all([accepted, connected]), failed]);
    return pair;
  } catch {
    return null;
  } finally {
    server.close();
    dir?.remove();
  }
}
