// The ways editors and tools save a file, each applied to a real folder: what watch mode must see.
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A handler that reports its code version, an optional module from a sub-folder, and a request count. */
export const source = (version: number) => [
  'try:',
  '    from sub import extra',
  '    EXTRA = extra.V',
  'except ImportError:',
  '    EXTRA = None',
  'COUNT = [0]',
  '',
  '',
  'def handler(event, context):',
  '    COUNT[0] += 1',
  `    return {"version": ${version}, "extra": EXTRA, "count": COUNT[0]}`,
  '',
].join('\n');

export interface SavePattern {
  name: string;
  /** Save version `version` of the code in `dir`; returns the file that changed. */
  save(dir: string, version: number): string;
}

/** Every sequence that must reload, in an order where each follows the previous one's leftovers. */
export const SAVE_PATTERNS: SavePattern[] = [
  { name: 'in place', save: (dir, v) => write(join(dir, 'index.py'), source(v)) },
  {
    // VS Code, vim with backupcopy=no, JetBrains "safe write": a temp file renamed over the original.
    name: 'rename over',
    save: (dir, v) => {
      const tmp = join(dir, `.index.py.${v}.tmp`);
      writeFileSync(tmp, source(v));
      renameSync(tmp, join(dir, 'index.py'));
      return join(dir, 'index.py');
    },
  },
  // The bug this guards: after a rename, fs.watch on the old inode stopped seeing the file.
  { name: 'in place after a rename', save: (dir, v) => write(join(dir, 'index.py'), source(v)) },
  {
    name: 'delete and create',
    save: (dir, v) => {
      unlinkSync(join(dir, 'index.py'));
      return write(join(dir, 'index.py'), source(v));
    },
  },
  {
    name: 'new file in a new sub-folder',
    save: (dir, v) => {
      mkdirSync(join(dir, 'sub'));
      return write(join(dir, 'sub', 'extra.py'), `V = ${v}\n`);
    },
  },
];

function write(file: string, text: string): string {
  writeFileSync(file, text);
  return file;
}

// Resolves once `done()` holds (polled), or rejects after a generous bound with `describe()`.
export async function until(done: () => boolean, describe: () => string, ms = 90_000): Promise<void> {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
