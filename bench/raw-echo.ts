// The physical limit: Node and a minimal Python JSON-lines echo loop over pipes, nothing else
// (docs/performance.md, "Raw echo": `python -u -c`, json.loads a line, json.dumps {id, result} back).
// Under -u Python 2's sys.stdin reads one byte per syscall, so the loop reads through io.open(0, "rb") on every version
// (on 3.x that is exactly sys.stdin.buffer); the limit must be a real limit. For the same reason Node
// reads the echo's replies as fgrun reads its protocol (instance/protocol-socket.ts): fd 1 a socket
// read with `onread` below the Readable stream, where one can be made.
import { spawn, type ChildProcess } from 'node:child_process';
import { protocolPair } from './fgrun.js';

/** The echo loop: {"id", "event"} in, {"id", "result": event} out. With "ms", it first keeps the CPU busy. */
const ECHO_SOURCE = [
  'import io, json, sys, time',
  'clock = getattr(time, "perf_counter", time.time)',
  'r = io.open(0, "rb", buffering=65536)',
  'w = getattr(sys.stdout, "buffer", sys.stdout)',
  'for line in iter(r.readline, b""):',
  '    m = json.loads(line)',
  '    if "ms" in m:',
  '        end = clock() + m["ms"] / 1000.0',
  '        while clock() < end: pass',
  '    w.write((json.dumps({"id": m["id"], "result": m["event"]}) + "\\n").encode("ascii"))',
  '    w.flush()',
].join('\n');

export class RawEcho {
  private child: ChildProcess | null = null;
  private readonly ready: Promise<ChildProcess>;
  private chunks: Buffer[] = [];
  private next: ((reply: string) => void) | null = null;

  constructor(python: string) {
    this.ready = protocolPair().then((pair) => {
      const child = spawn(python, ['-u', '-c', ECHO_SOURCE], { stdio: ['pipe', pair?.child ?? 'pipe', 'inherit'] });
      pair?.child.destroy();
      // A reused buffer: what onData keeps past the call it copies.
      if (pair) pair.sink = (d) => this.onData(d, true);
      else child.stdout!.on('data', (d: Buffer) => this.onData(d, false));
      this.child = child;
      return child;
    });
  }

  /** The interpreter's pid, once the first send() has started it. */
  get pid(): number {
    return this.child?.pid ?? -1;
  }

  // One round trip: write the message as a JSON line, resolve with the reply line.
  send(message: unknown): Promise<string> {
    const child = this.child;
    if (child === null) return this.ready.then(() => this.send(message));
    return new Promise((resolve) => {
      this.next = resolve;
      child.stdin!.write(JSON.stringify(message) + '\n');
    });
  }

  async close(): Promise<void> {
    const child = await this.ready;
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.stdin!.end();
    });
  }

  // Only new data is searched for the newline and the reply is joined once (string concatenation
  // would rescan the whole buffer per chunk).
  private onData(d: Buffer, reused: boolean): void {
    let start = 0;
    let i: number;
    while ((i = d.indexOf(10, start)) >= 0) {
      const last = d.subarray(start, i);
      const reply = this.chunks.length ? Buffer.concat([...this.chunks, last]).toString('utf8') : last.toString('utf8');
      this.chunks = [];
      start = i + 1;
      const f = this.next;
      this.next = null;
      f?.(reply);
    }
    if (start < d.length) this.chunks.push(reused ? Buffer.from(d.subarray(start)) : start ? d.subarray(start) : d);
  }
}
