// An HTTP function's log, as the relay writes it (bootstrap/fgrun_http_relay.py): the server's
// output with fences in it. Before forwarding each piece of a response the relay fences the log
// with the count of response bytes forwarded so far; on "flush <tag>" it fences it with the tag.
// A request's log is whole once a fence covers every response byte the host has read (or, for a
// start, once its tag's fence is in). Each fence closes a segment; segments add up until taken.
import type { Socket } from 'node:net';
import { LogCollector } from '../instance/index.js';

type Wait = { tag: string | null; bytes: number; done: (log: string) => void };

export class FencedLog {
  private readonly collector: LogCollector;
  private segments = '';
  /** The largest byte count a response fence has carried. */
  private fencedBytes = 0;
  private wait: Wait | null = null;
  /** The connections to the relay (bytes read from them, and from the closed ones). */
  private readonly sockets = new Set<Socket>();
  private closedBytes = 0;

  // `flush(tag)` asks the relay for the fence `tag`.
  constructor(fence: string, private readonly flush: (tag: string) => void) {
    this.collector = new LogCollector(fence, (id, log) => this.onFence(id, log));
  }

  /** Live output (fences removed), for callers that stream the log. */
  set onOutput(listener: ((chunk: Buffer) => void) | null) {
    this.collector.onOutput = listener;
  }

  push(chunk: Buffer): void {
    this.collector.push(chunk);
  }

  // A connection to the relay, whose bytes count.
  track(socket: Socket): void {
    if (this.sockets.has(socket)) return;
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.closedBytes += socket.bytesRead;
    });
  }

  // Calls `done` with the log up to the fence `tag`, which it asks the relay for.
  afterFence(tag: string, done: (log: string) => void): void {
    this.wait = { tag, bytes: 0, done };
    this.flush(tag);
  }

  // Calls `done` with the log up to the fence that covers every response byte read so far.
  afterResponse(done: (log: string) => void): void {
    const bytes = this.bytesRead();
    if (this.fencedBytes >= bytes) return done(this.take());
    this.wait = { tag: null, bytes, done };
  }

  // Stop waiting (the operation ended another way).
  cancel(): void {
    this.wait = null;
  }

  // Everything written so far, fenced or not (the process is gone, or the host ended the operation).
  takeAll(): string {
    return this.take() + this.collector.take(true);
  }

  private take(): string {
    const log = this.segments;
    this.segments = '';
    return log;
  }

  private onFence(id: string, log: string): void {
    this.segments += log;
    const numeric = /^\d+$/.test(id);
    if (numeric) this.fencedBytes = Math.max(this.fencedBytes, Number(id));
    const wait = this.wait;
    if (!wait || (wait.tag !== null ? id !== wait.tag : !numeric || this.fencedBytes < wait.bytes)) return;
    this.wait = null;
    wait.done(this.take());
  }

  private bytesRead(): number {
    let total = this.closedBytes;
    for (const socket of this.sockets) total += socket.bytesRead;
    return total;
  }
}
