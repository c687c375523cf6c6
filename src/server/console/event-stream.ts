// Server-sent events to every open console page: a snapshot when a page connects, then each finished
// invocation and each change of the functions' instance counts, pushed as they happen.
import type { ServerResponse } from 'node:http';

/** A comment line sent this often keeps idle connections (and proxies) open. */
const HEARTBEAT_MS = 15_000;

export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout | null = null;

  get size(): number {
    return this.clients.size;
  }

  // Turn a response into an event stream, starting with `first` events; it stays open until the page goes.
  open(res: ServerResponse, first: [event: string, data: unknown][]): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n\n');
    for (const [event, data] of first) res.write(frame(event, data));
    this.clients.add(res);
    res.once('close', () => {
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
    for (const res of this.clients) if (!res.writableEnded && !res.destroyed) res.write(text);
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
