// The line watch mode prints at start: how many files it watches, and under which paths.
import { isAbsolute, relative } from 'node:path';
import type { WatchedFunction } from '../watch/index.js';

// A path as the user would type it: relative to the current folder when inside it.
function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

// "watching 3 files under my-fn, fgrun.json"
export function watchingLine(handle: WatchedFunction, cwd = process.cwd()): string {
  const count = handle.watchedFiles().length;
  return `watching ${count} file${count === 1 ? '' : 's'} under ${handle.watching.map((p) => shown(p, cwd)).join(', ')}`;
}
