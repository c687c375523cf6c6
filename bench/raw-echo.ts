// The physical limit: Node and a minimal Python JSON-lines echo loop over pipes, nothing else
// (docs/performance.md, "Raw echo": `python -u -c`, json.loads a line, json.dumps {id, result} back).
// Under -u Python 2's sys.stdin reads one byte per syscall, so the loop reads through io.open(0, "rb") on every version
// (on 3.x that is exactly sys.stdin.buffer); the limit must be a real limit.
import { spawn, type ChildProcess } from 'node:child_process';

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
  private readonly child: ChildProcess;
  private chunks: Buffer[] = [];
  private next: ((reply: string) => void) | null = null;

  constructor(python: string) {
    this.child = spawn(python, ['-u', '-c', ECHO_SOURCE], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout!.on('data', (d: Buffer) => this.onData(d));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  // One round trip: write the message as a JSON line, resolve with the reply line.
  send(message: unknown): Promise<string> {
    return new Promise((resolve) => {
      this.next = resolve;
      this.child.stdin!.write(JSON.stringify(message) + '\n');
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.stdin!.end();
    });
  }

  // Only new data is searched for the newline and the reply is joined once (string concatenation
  // would rescan the whole buffer per chunk).
  private onData(d: Buffer): void {
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
    if (start < d.length) this.chunks.push(start ? d.subarray(start) : d);
  }
}
