// Watches folders (recursively) and single files for changes, ignoring what Python and editors
// write on their own (__pycache__, *.pyc, swap files), and reports each burst of changes once.
// chokidar does the watching: it survives what editors do on save (write a temp file and rename it
// over the original, delete and re-create, new sub-folders), where a bare fs.watch goes blind after
// the first rename (docs/watch.md). It is imported on first use, so commands that never watch
// never load it.
import { statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { FSWatcher } from 'chokidar';

export interface PathWatcher {
  /** The files watched right now (absolute paths, sorted), ignored ones left out. */
  files(): string[];
  /** Stop watching; no callback runs after this. */
  close(): Promise<void>;
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

// Whether `path` is `root` or inside it.
function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

// What chokidar must skip: under a watched folder, what IGNORED names; beside a watched file (its
// folder is watched, so that a file replaced or re-created is seen), everything but that file.
function ignoredBy(folders: string[], files: Set<string>, fileParents: Set<string>): (path: string) => boolean {
  return (path) => {
    const absolute = resolve(path);
    const root = folders.find((folder) => within(folder, absolute));
    if (root !== undefined) return isIgnoredChange(relative(root, absolute));
    return !files.has(absolute) && !fileParents.has(absolute);
  };
}

// Call onChange(changedPaths) after each burst of changes under `paths` (folders or files);
// resolves once the initial scan is done, so that every later change is seen.
export async function watchPaths(paths: string[], onChange: (changed: string[]) => void, options: WatchPathsOptions = {}): Promise<PathWatcher> {
  const debounceMs = options.debounceMs ?? 150;
  const folders: string[] = [];
  const files = new Set<string>();
  const fileParents = new Set<string>();
  for (const path of new Set(paths.map((p) => resolve(p)))) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      isDir = false;
    }
    // A missing path is watched as a file: its creation is a change like any other.
    if (isDir) folders.push(path);
    else {
      files.add(path);
      fileParents.add(dirname(path));
    }
  }
  const { watch } = await import('chokidar');
  const watcher: FSWatcher = watch([...folders, ...fileParents], {
    ignored: ignoredBy(folders, files, fileParents),
    ignoreInitial: true,
    persistent: true,
  });
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const note = (path: string) => {
    if (closed) return;
    pending.add(resolve(path));
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const changed = [...pending].sort();
      pending.clear();
      if (!closed) onChange(changed);
    }, debounceMs);
  };
  // A new empty folder changes nothing a function imports; what lands in it does (an 'add').
  watcher.on('all', (event, path) => {
    if (event !== 'addDir') note(path);
  });
  // A folder that cannot be read (permissions) is left out; the function's own checks report it.
  watcher.on('error', () => {});
  await new Promise<void>((ready) => watcher.once('ready', ready));
  return {
    files() {
      const watched = watcher.getWatched();
      const found: string[] = [];
      for (const [dir, names] of Object.entries(watched)) {
        for (const name of names) {
          const path = resolve(dir, name);
          if (!(path in watched) && (folders.some((folder) => within(folder, path)) || files.has(path))) found.push(path);
        }
      }
      return found.sort();
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
