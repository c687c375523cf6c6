// Baselines that are plain interpreter processes: a bare start, and writing log bytes to a pipe.
import { spawn, type ChildProcess } from 'node:child_process';
import { timeMs } from './measure.js';

/** What a bare interpreter start runs: the imports the bootstrap cannot do without. */
export const BARE_START_SOURCE = 'import json, sys';

// Spawn `python -c "import json, sys"` and wait for it to exit; milliseconds.
export function bareStart(python: string): Promise<number> {
  return timeMs(() => new Promise<void>((resolve, reject) => {
    const child = spawn(python, ['-c', BARE_START_SOURCE], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${python} -c '${BARE_START_SOURCE}' exited with ${code}`))));
  }));
}

/** On each {"lines", "width"} line: print that many lines (as the log handler does), then "\0\n". */
export const PRINT_SOURCE = [
  'import io, json, sys',
  'r = io.open(0, "rb", buffering=65536)',
  'for request in iter(r.readline, b""):',
  '    m = json.loads(request)',
  '    line = "x" * (m["width"] - 1)',
  '    for _ in range(m["lines"]):',
  '        print(line)',
  '    sys.stdout.write("\\0\\n")',
  '    sys.stdout.flush()',
].join('\n');

// A Python process that prints to a pipe Node drains: the limit for a log-heavy handler.
export class RawPrinter {
  private readonly child: ChildProcess;
  private bytes = 0;
  private done: ((bytes: number) => void) | null = null;

  constructor(python: string) {
    this.child = spawn(python, ['-u', '-c', PRINT_SOURCE], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      const end = chunk.indexOf(0);
      this.bytes += end < 0 ? chunk.length : end;
      if (end >= 0) {
        const f = this.done;
        this.done = null;
        const bytes = this.bytes;
        this.bytes = 0;
        f?.(bytes);
      }
    });
  }

  // Ask for `lines` lines of `width` bytes; resolves with the log bytes received once all arrived.
  print(lines: number, width: number): Promise<number> {
    return new Promise((resolve) => {
      this.done = resolve;
      this.child.stdin!.write(JSON.stringify({ lines, width }) + '\n');
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.stdin!.end();
    });
  }
}
