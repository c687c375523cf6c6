// Probes a candidate at most once per process, and at most once per file version across processes.

import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import type { DiskCache } from './disk-cache.js';
import { isVirtualEnvExecutable } from './interpreter-path.js';
import { runProbe, type ProbeResult } from './probe.js';

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

  const result = await probeOnce(candidate, real, stamp, context);
  // Only a candidate that IS the interpreter goes to disk: a shim's or a venv's answer depends on more than its file.
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
