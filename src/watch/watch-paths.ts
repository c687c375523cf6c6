// Watches folders (recursively) and single files for changes, ignoring what Python and editors
// write on their own (__pycache__, *.pyc, swap files), and reports each burst of changes once.
// chokidar does the watching: it survives what editors do on save (write a temp file and rename it
// over the original, delete and re-create, new sub-folders), where a bare fs.watch goes blind after
// the first rename (docs/watch.md). It is imported on first use, so commands that never watch
// never load it.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
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

/**
 * When a new folder is listed again (ms after chokidar reports it). chokidar reads a new folder before
 * it watches it (chokidar 4, handler.js `_handleDir`: `_handleRead`, then `_watchWithNodeFs`), so a
 * file created between the two (a folder made and filled at once, under load) is never reported.
 */
const RELIST_MS = [100, 500, 2000];
/** Entries read at most per listing of a new folder (a folder dropped in with a whole tree). */
const RELIST_LIMIT = 10_000;

// What a path is now (inode, size, mtime), or 'missing': a report of a path unchanged since the
// burst that carried it starts no new one.
function stamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

// The files under a new folder, ignored ones left out, at most RELIST_LIMIT entries read.
function filesUnder(dir: string, ignored: (path: string) => boolean): string[] {
  const found: string[] = [];
  const stack = [dir];
  let read = 0;
  while (stack.length > 0 && read < RELIST_LIMIT) {
    const folder = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      continue; // gone again, or unreadable
    }
    for (const entry of entries) {
      if (++read > RELIST_LIMIT) break;
      const path = join(folder, entry.name);
      if (ignored(path)) continue;
      if (entry.isDirectory()) stack.push(path);
      else found.push(path);
    }
  }
  return found;
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
  const ignored = ignoredBy(folders, files, fileParents);
  const watcher: FSWatcher = watch([...folders, ...fileParents], { ignored, ignoreInitial: true, persistent: true });
  const pending = new Set<string>();
  /** Each path as the last burst that carried it found it (stamp()). */
  const carried = new Map<string, string>();
  const relists = new Set<NodeJS.Timeout>();
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const note = (path: string) => {
    const absolute = resolve(path);
    if (closed || carried.get(absolute) === stamp(absolute)) return;
    pending.add(absolute);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const changed = [...pending].sort();
      pending.clear();
      for (const path of changed) carried.set(path, stamp(path));
      if (!closed) onChange(changed);
    }, debounceMs);
  };
  // A new empty folder changes nothing a function imports; what lands in it does (an 'add', or a
  // file found when it is listed again: RELIST_MS).
  watcher.on('all', (event, path) => {
    if (event !== 'addDir') return note(path);
    for (const ms of RELIST_MS) {
      const relist = setTimeout(() => {
        relists.delete(relist);
        for (const file of filesUnder(resolve(path), ignored)) note(file);
      }, ms);
      relists.add(relist);
    }
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
      for (const relist of relists) clearTimeout(relist);
      await watcher.close();
    },
  };
}
