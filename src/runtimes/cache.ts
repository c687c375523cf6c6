// The probe caches, so a second CLI start does not run the interpreters again: in memory, a candidate is
// probed at most once per process; on disk, at most once per file version across processes.
//
// File: $XDG_CACHE_HOME/fgrun/interpreters.json (default ~/.cache/fgrun/interpreters.json).
// Key: the candidate's realpath; an entry is used only while that file's mtime and size are unchanged.
// A pyenv shim's entry is keyed by what decides its answer (shim-key.ts), stamped with the interpreter's file.
// A missing, corrupt or unwritable file is never an error: the cache is just empty or not saved.

// Reads are sync (a few µs each, where each thread-pool round trip was ~0.1-0.5 ms on a loaded
// machine, one after the other before every spawn); the rare write stays on the thread pool.
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { isVirtualEnvExecutable, probeEnv, runProbe, type Interpreter, type ProbeResult } from './probe.js';
import { shimKey } from './shim-key.js';

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
interface FileStamp {
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
    const result = CacheFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
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

/** What every probe of one public call shares: the probe environment and the caches. */
export interface ProbeSetup {
  /** The environment the interpreters run with (see probeEnv). */
  probeEnv: Record<string, string>;
  /** The on-disk cache, or null when caching is off or there is nowhere to keep it. */
  disk: DiskCache | null;
  /** Whether the in-memory cache is used. */
  memory: boolean;
}

// Keyed by candidate path and probe environment: a pyenv shim answers differently under another PYENV_VERSION.
const memoryCache = new Map<string, Promise<ProbeResult>>();

// Checks the candidate exists and is executable, then returns its probe result from a cache or a fresh run.
export async function probeCandidate(candidate: string, setup: ProbeSetup): Promise<ProbeResult> {
  let real: string;
  let stamp: { mtimeMs: number; size: number };
  try {
    real = realpathSync(candidate);
    const stats = statSync(real);
    if (!stats.isFile()) return { ok: false, reason: 'not a file' };
    stamp = { mtimeMs: stats.mtimeMs, size: stats.size };
  } catch {
    return { ok: false, reason: 'not found' };
  }
  try {
    accessSync(real, constants.X_OK);
  } catch {
    return { ok: false, reason: 'not executable' };
  }

  const shim = setup.disk === null ? null : await shimKey(candidate, setup.probeEnv);
  if (shim !== null) return probeShim(candidate, real, stamp, shim, setup);
  // Known in this process: its first probe here handed it to the disk cache already (checking it
  // again read and validated the whole cache file on every createFunction: ~0.5 ms of a cold start).
  const remembered = setup.memory ? memoryCache.get(memoryKey(candidate, setup)) : undefined;
  if (remembered !== undefined) return remembered;
  const result = await probeOnce(candidate, real, stamp, setup);
  // Only a candidate that IS the interpreter goes to disk: a venv's answer depends on more than its file.
  if (result.ok && setup.disk !== null && result.interpreter.path === real) {
    await setup.disk.set(real, stamp, result.interpreter);
  }
  return result;
}

const memoryKey = (candidate: string, setup: ProbeSetup): string => `${candidate}\0${JSON.stringify(setup.probeEnv)}`;

// Looks in memory, then on disk, and runs the interpreter only when neither knows the answer.
function probeOnce(candidate: string, real: string, stamp: { mtimeMs: number; size: number }, setup: ProbeSetup): Promise<ProbeResult> {
  const key = memoryKey(candidate, setup);
  const remembered = setup.memory ? memoryCache.get(key) : undefined;
  if (remembered !== undefined) return remembered;
  const pending = (async (): Promise<ProbeResult> => {
    // A venv's python links to its base interpreter, whose cached answer would drop the venv.
    const disk = setup.disk !== null && !(await isVirtualEnvExecutable(candidate)) ? setup.disk : null;
    const cached = disk === null ? null : await disk.get(real, stamp);
    return cached === null ? runProbe(candidate, setup.probeEnv) : { ok: true, interpreter: cached };
  })();
  if (setup.memory) memoryCache.set(key, pending);
  return pending;
}

// A pyenv shim: its answer (an interpreter, or why it fails: a shim for a version pyenv does not
// select fails every time) is kept on disk under a key that pins pyenv's version choice
// (shim-key.ts) and the shim file; an interpreter's holds while that interpreter is unchanged.
async function probeShim(candidate: string, real: string, stamp: { mtimeMs: number; size: number }, key: string, setup: ProbeSetup): Promise<ProbeResult> {
  const disk = setup.disk!;
  const shimStamp = `${key}:${stamp.mtimeMs}:${stamp.size}`;
  const cached = await disk.lookup(shimStamp);
  if (cached !== null && cached.path.startsWith(FAILED)) return { ok: false, reason: cached.path.slice(FAILED.length) };
  if (cached !== null) {
    try {
      const target = statSync(cached.path);
      if (target.mtimeMs === cached.mtimeMs && target.size === cached.size) return { ok: true, interpreter: { path: cached.path, major: cached.major, minor: cached.minor, micro: cached.micro } };
    } catch {
      // the interpreter is gone: probe again
    }
  }
  const result = await probeOnce(candidate, real, stamp, setup);
  try {
    if (result.ok) {
      const target = statSync(result.interpreter.path);
      await disk.set(shimStamp, { mtimeMs: target.mtimeMs, size: target.size }, result.interpreter);
    } else {
      await disk.set(shimStamp, stamp, { path: FAILED + result.reason, major: 0, minor: 0, micro: 0 });
    }
  } catch {
    // not kept
  }
  return result;
}

/** How a shim's failure is kept in the cache's `path` field. */
const FAILED = 'failed: ';

/** One public call's probing (resolveRuntime, inspectRuntimes): the caller's environment, the probe setup. */
export interface ProbeCall {
  env: NodeJS.ProcessEnv;
  probe: ProbeSetup;
  /** Saves what this call learned to the on-disk cache; never throws. */
  flush(): Promise<void>;
}

// Opens a call from the options: env defaults to process.env, caching defaults to on.
export function openProbeCall(options: { env?: NodeJS.ProcessEnv; cache?: boolean } = {}): ProbeCall {
  const env = options.env ?? process.env;
  const useCache = options.cache ?? true;
  const file = useCache ? cacheFilePath(env) : null;
  const disk = file === null ? null : new DiskCache(file);
  return {
    env,
    probe: { probeEnv: probeEnv(env), disk, memory: useCache },
    flush: async () => {
      await disk?.flush();
    },
  };
}
