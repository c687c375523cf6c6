// Probes a candidate at most once per process, and at most once per file version across processes.

import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import type { DiskCache } from './disk-cache.js';
import { isVirtualEnvExecutable } from './interpreter-path.js';
import { runProbe, type ProbeResult } from './probe.js';
import { shimKey } from './shim-key.js';

/** What every probe of one operation shares. */
export interface ProbeContext {
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
export async function probeCandidate(candidate: string, context: ProbeContext): Promise<ProbeResult> {
  let real: string;
  let stamp: { mtimeMs: number; size: number };
  try {
    real = await realpath(candidate);
    const stats = await stat(real);
    if (!stats.isFile()) return { ok: false, reason: 'not a file' };
    stamp = { mtimeMs: stats.mtimeMs, size: stats.size };
  } catch {
    return { ok: false, reason: 'not found' };
  }
  try {
    await access(real, constants.X_OK);
  } catch {
    return { ok: false, reason: 'not executable' };
  }

  const shim = context.disk === null ? null : await shimKey(candidate, context.probeEnv);
  if (shim !== null) return probeShim(candidate, real, stamp, shim, context);
  const result = await probeOnce(candidate, real, stamp, context);
  // Only a candidate that IS the interpreter goes to disk: a venv's answer depends on more than its file.
  if (result.ok && context.disk !== null && result.interpreter.path === real) {
    await context.disk.set(real, stamp, result.interpreter);
  }
  return result;
}

// Looks in memory, then on disk, and runs the interpreter only when neither knows the answer.
function probeOnce(candidate: string, real: string, stamp: { mtimeMs: number; size: number }, context: ProbeContext): Promise<ProbeResult> {
  const key = `${candidate}\0${JSON.stringify(context.probeEnv)}`;
  const remembered = context.memory ? memoryCache.get(key) : undefined;
  if (remembered !== undefined) return remembered;
  const pending = (async (): Promise<ProbeResult> => {
    // A venv's python links to its base interpreter, whose cached answer would drop the venv.
    const disk = context.disk !== null && !(await isVirtualEnvExecutable(candidate)) ? context.disk : null;
    const cached = disk === null ? null : await disk.get(real, stamp);
    return cached === null ? runProbe(candidate, context.probeEnv) : { ok: true, interpreter: cached };
  })();
  if (context.memory) memoryCache.set(key, pending);
  return pending;
}

// A pyenv shim: its answer (an interpreter, or why it fails: a shim for a version pyenv does not
// select fails every time) is kept on disk under a key that pins pyenv's version choice
// (shim-key.ts) and the shim file; an interpreter's holds while that interpreter is unchanged.
async function probeShim(candidate: string, real: string, stamp: { mtimeMs: number; size: number }, key: string, context: ProbeContext): Promise<ProbeResult> {
  const disk = context.disk!;
  const shimStamp = `${key}:${stamp.mtimeMs}:${stamp.size}`;
  const cached = await disk.lookup(shimStamp);
  if (cached !== null && cached.path.startsWith(FAILED)) return { ok: false, reason: cached.path.slice(FAILED.length) };
  if (cached !== null) {
    try {
      const target = await stat(cached.path);
      if (target.mtimeMs === cached.mtimeMs && target.size === cached.size) return { ok: true, interpreter: { path: cached.path, major: cached.major, minor: cached.minor, micro: cached.micro } };
    } catch {
      // the interpreter is gone: probe again
    }
  }
  const result = await probeOnce(candidate, real, stamp, context);
  try {
    if (result.ok) {
      const target = await stat(result.interpreter.path);
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
