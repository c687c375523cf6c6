// Baselines that are plain interpreter processes: a bare start, and writing log bytes to a pipe.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeMs } from './measure.js';

/** The flags fgrun starts its interpreters with (src/instance/process.ts). */
const PYTHON_FLAGS = ['-u', '-B', '-s'];

/** Prints the standard-library modules the bootstrap imports (top-level names), as JSON. */
const IMPORTS_SOURCE = [
  'import sys',
  'before = set(m.split(".")[0] for m in sys.modules)',
  'sys.path[0:0] = [sys.argv[1], sys.argv[2]]',
  'import fgrun_protocol, fgrun_runner, fgrun_platform',
  // claim_stdio() imports fcntl when it runs
  'import fcntl',
  'after = set(m.split(".")[0] for m in sys.modules)',
  'sys.stdout.write(",".join(sorted(m for m in after - before if not m.startswith("fgrun_") and not m.startswith("_"))))',
].join('\n');

// The standard-library modules a cold start imports besides what the interpreter loads anyway:
// the bare start imports the same, so the ratio shows what fgrun adds, not what Python costs.
export function bootstrapImports(python: string): string[] {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const out = execFileSync(python, [...PYTHON_FLAGS, '-c', IMPORTS_SOURCE, join(root, 'bootstrap'), join(root, 'pyshim')], { encoding: 'utf8' });
  return out.split(',').filter(Boolean);
}

// Spawn `python -c "import <modules>"` with fgrun's flags and wait for it to exit; milliseconds.
export function bareStart(python: string, modules: string[]): Promise<number> {
  const source = modules.length ? `import ${modules.join(', ')}` : 'pass';
  return timeMs(() => new Promise<void>((resolve, reject) => {
    const child = spawn(python, [...PYTHON_FLAGS, '-c', source], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${python} -c '${source}' exited with ${code}`))));
  }));
}

/** On each {"lines", "width"} line: print that many lines (as the log handler does), then "\0\n". */
const PRINT_SOURCE = [
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
