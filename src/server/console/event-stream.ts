// Server-sent events to every open console page: a snapshot when a page connects, then each finished
// invocation and each change of the functions' instance counts, pushed as they happen. Bounded
// (docs/console.md, "Limits"): at most MAX_STREAMS pages at once (more are 429), a page that does not
// read is dropped once MAX_BUFFERED_BYTES wait for it, and a stream ends after MAX_STREAM_MS (the
// page reconnects and gets a fresh snapshot). Streams do not count against --max-connections.
import type { ServerResponse } from 'node:http';
import { ApiError } from '../errors.js';
import { exemptFromBudget } from '../connections.js';

/** A comment line sent this often keeps idle connections (and proxies) open. */
const HEARTBEAT_MS = 15_000;
/** Open console streams at once. */
export const MAX_STREAMS = 16;
/** Bytes a stream may have waiting for a client that does not read before it is dropped. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** A stream's longest life; the page's EventSource reconnects. */
const MAX_STREAM_MS = 30 * 60_000;

export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout | null = null;
  /** Clients dropped for not reading. */
  dropped = 0;

  get size(): number {
    return this.clients.size;
  }

  // Turn a response into an event stream, starting with `first` events; it stays open until the page
  // goes, reads too slowly, or its time is up. 429 when MAX_STREAMS are open.
  open(res: ServerResponse, first: [event: string, data: unknown][]): void {
    if (this.clients.size >= MAX_STREAMS) {
      throw new ApiError('too-many-requests', `the console already serves ${MAX_STREAMS} live streams; close a console tab`);
    }
    exemptFromBudget(res.socket);
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n\n');
    for (const [event, data] of first) res.write(frame(event, data));
    this.clients.add(res);
    const lifetime = setTimeout(() => res.end(), MAX_STREAM_MS).unref();
    res.once('close', () => {
      clearTimeout(lifetime);
      this.clients.delete(res);
      if (this.clients.size === 0 && this.heartbeat) {
        clearInterval(this.heartbeat);
        this.heartbeat = null;
      }
    });
    this.heartbeat ??= setInterval(() => this.write(': keep-alive\n\n'), HEARTBEAT_MS).unref();
  }

  send(event: string, data: unknown): void {
    if (this.clients.size > 0) this.write(frame(event, data));
  }

  private write(text: string): void {
    for (const res of this.clients) {
      if (res.writableEnded || res.destroyed) continue;
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        this.dropped++;
        this.clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(text);
    }
  }

  // End every stream (the server is closing).
  close(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
