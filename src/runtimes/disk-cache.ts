// The on-disk probe cache, so a second CLI start does not run the interpreters again.
//
// File: $XDG_CACHE_HOME/fgrun/interpreters.json (default ~/.cache/fgrun/interpreters.json).
// Key: the candidate's realpath; an entry is used only while that file's mtime and size are unchanged.
// A pyenv shim's entry is keyed by what decides its answer (shim-key.ts), stamped with the interpreter's file.
// A missing, corrupt or unwritable file is never an error: the cache is just empty or not saved.

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import type { Interpreter } from './probe.js';

const CACHE_FORMAT = 1;

const CacheEntrySchema = z.object({
  mtimeMs: z.number(),
  size: z.number().int().nonnegative(),
  path: z.string().min(1),
  major: z.number().int().nonnegative(),
  minor: z.number().int().nonnegative(),
  micro: z.number().int().nonnegative(),
});

const CacheFileSchema = z.object({
  format: z.literal(CACHE_FORMAT),
  entries: z.record(z.string(), CacheEntrySchema),
});

type CacheEntry = z.infer<typeof CacheEntrySchema>;
type Entries = Record<string, CacheEntry>;

/** The identity of a file version: an entry is stale once either changes. */
export interface FileStamp {
  mtimeMs: number;
  size: number;
}

// Where the cache file lives for this environment, or null when neither XDG_CACHE_HOME nor HOME is usable.
export function cacheFilePath(env: NodeJS.ProcessEnv): string | null {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg && isAbsolute(xdg)) return join(xdg, 'fgrun', 'interpreters.json');
  const home = env['HOME'];
  if (home && isAbsolute(home)) return join(home, '.cache', 'fgrun', 'interpreters.json');
  return null;
}

// One operation's view of the cache file: read once, added to, written once by flush().
export class DiskCache {
  readonly file: string;
  private loaded: Promise<Entries> | undefined;
  private readonly pending = new Map<string, CacheEntry>();

  constructor(file: string) {
    this.file = file;
  }

  // The cached interpreter for a realpath whose file still has the stamp it had when probed.
  async get(realpath: string, stamp: FileStamp): Promise<Interpreter | null> {
    const entry = this.pending.get(realpath) ?? (await this.entries())[realpath];
    if (entry === undefined || entry.mtimeMs !== stamp.mtimeMs || entry.size !== stamp.size) return null;
    return { path: entry.path, major: entry.major, minor: entry.minor, micro: entry.micro };
  }

  // The entry under a key, whatever its stamp (for keys that are not a file's realpath).
  async lookup(key: string): Promise<CacheEntry | null> {
    return this.pending.get(key) ?? (await this.entries())[key] ?? null;
  }

  // Remembers a probe result for flush(); an identical entry already on disk is not rewritten.
  async set(realpath: string, stamp: FileStamp, interpreter: Interpreter): Promise<void> {
    const entry: CacheEntry = { mtimeMs: stamp.mtimeMs, size: stamp.size, ...interpreter };
    const current = (await this.entries())[realpath];
    if (current !== undefined && sameEntry(current, entry)) return;
    this.pending.set(realpath, entry);
  }

  // Merges new entries into whatever the file holds now and replaces it atomically; failures are ignored.
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const current: Entries = { ...(await readEntries(this.file)), ...Object.fromEntries(this.pending) };
    const merged = Object.fromEntries(Object.keys(current).sort().map((key) => [key, current[key]]));
    this.pending.clear();
    const temporary = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(temporary, `${JSON.stringify({ format: CACHE_FORMAT, entries: merged }, null, 2)}\n`);
      await rename(temporary, this.file);
    } catch {
      await rm(temporary, { force: true }).catch(() => undefined);
    }
  }

  // Reads the file once per operation.
  private entries(): Promise<Entries> {
    this.loaded ??= readEntries(this.file);
    return this.loaded;
  }
}

// The entries of a cache file, or none when it is missing, unreadable, not JSON or not the expected shape.
async function readEntries(file: string): Promise<Entries> {
  try {
    const result = CacheFileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return result.success ? result.data.entries : {};
  } catch {
    return {};
  }
}

// Compares two entries field by field.
function sameEntry(a: CacheEntry, b: CacheEntry): boolean {
  return (
    a.mtimeMs === b.mtimeMs && a.size === b.size && a.path === b.path && a.major === b.major && a.minor === b.minor && a.micro === b.micro
  );
}
