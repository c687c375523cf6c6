// Frames to the interpreter's stdin, respecting backpressure as the MCP SDK's stdio transport does:
// once the pipe is full (a 6 MB event to a reader that is slow or stopped), later frames wait for
// 'drain' in order instead of piling up in the stream's buffer.
import type { Writable } from 'node:stream';

export class StdinWriter {
  /** Frames waiting for 'drain', in order; null while the pipe takes writes. */
  private waiting: Array<string | Buffer> | null = null;

  constructor(private readonly stdin: Writable) {}

  write(data: string | Buffer): void {
    if (this.waiting !== null) {
      this.waiting.push(data);
      return;
    }
    const stdin = this.stdin;
    if (!stdin.writable || stdin.write(data)) return;
    this.waiting = [];
    stdin.once('drain', () => {
      const queued = this.waiting!;
      this.waiting = null;
      for (const [i, next] of queued.entries()) {
        this.write(next);
        if (this.waiting !== null) {
          // Full again: the rest waits behind it, still in order.
          (this.waiting as Array<string | Buffer>).push(...queued.slice(i + 1));
          return;
        }
      }
    });
  }

  /** Whether a frame is waiting for the pipe to drain. */
  get backpressured(): boolean {
    return this.waiting !== null;
  }
}
