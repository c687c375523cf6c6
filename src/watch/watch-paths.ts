// Watches folders (recursively) and single files for changes, ignoring what Python and editors
// write on their own (__pycache__, *.pyc, swap files), and reports each burst of changes once.
import { watch, statSync, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface PathWatcher {
  /** Stop watching; no callback runs after this. */
  close(): void;
}

export interface WatchPathsOptions {
  /** Quiet time after the last change before the callback runs, ms. @default 150 */
  debounceMs?: number;
}

/** Names whose changes never mean the code changed. */
const IGNORED = [/(^|\/)__pycache__(\/|$)/, /\.py[co]$/, /(^|\/)\.git(\/|$)/, /(^|\/)node_modules(\/|$)/, /\.sw[px]$/, /~$/, /(^|\/)\.#/, /(^|\/)4913$/];

// Whether a changed path (relative to what is watched) should be ignored.
export function isIgnoredChange(path: string): boolean {
  const slashed = path.replace(/\\/g, '/');
  return IGNORED.some((pattern) => pattern.test(slashed));
}

// Call onChange(changedPaths) after each burst of changes under `paths` (folders or files).
export function watchPaths(paths: string[], onChange: (changed: string[]) => void, options: WatchPathsOptions = {}): PathWatcher {
  const debounceMs = options.debounceMs ?? 150;
  const watchers: FSWatcher[] = [];
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  // `relative` is what the watcher reported (checked against IGNORED); `path` is what callers see.
  const note = (relative: string, path: string) => {
    if (closed || isIgnoredChange(relative)) return;
    pending.add(path);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const changed = [...pending].sort();
      pending.clear();
      if (!closed) onChange(changed);
    }, debounceMs);
  };
  for (const path of [...new Set(paths.map((p) => resolve(p)))]) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      isDir = false;
    }
    // A file is watched through its folder, so editors that replace it (write + rename) are seen.
    const target = isDir ? path : dirname(path);
    const name = isDir ? null : basename(path);
    let watcher: FSWatcher;
    try {
      watcher = watch(target, { recursive: isDir, persistent: true }, (_event, file) => {
        const changed = file === null ? '' : String(file);
        if (name !== null && changed !== name) return;
        note(changed, name !== null ? path : join(path, changed));
      });
    } catch {
      // A path that does not exist (yet) cannot be watched; the function's own checks report it.
      continue;
    }
    watcher.on('error', () => {});
    watchers.push(watcher);
  }
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
