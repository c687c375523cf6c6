// The cloud's file layout (Huawei FAQ functiongraph_03_0330): the function's working directory is
// the parent of its code folder, which is named `code`, so relative paths start with `code/`.
// Locally each function gets a working folder, <tmp>/fgrun-<uid>/roots/<name>-<hash of the code
// path>/, holding `code` as a symbolic link to the code folder (never a copy). They live, under roots/, in the
// per-user folder beside the shared log folder, so a host that is killed leaves no temporary folder
// behind; a working folder whose code folder is gone (an unpacked zip of an earlier run) is removed when
// another one is made.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensurePrivateDir, sharedLogDir } from './paths.js';

interface WorkDir {
  /** The function's working directory. */
  cwd: string;
  /** `<cwd>/code`, RUNTIME_CODE_ROOT: a link to the code folder. */
  codeRoot: string;
}

const made = new Map<string, WorkDir>();
const ROOTS = { folder: "the functions' working folder", holds: 'its working folders' };

// The working folder of a function's code folder, made on first use (once per code folder and name).
export function workDir(code: string, name: string): WorkDir {
  const key = `${name}\0${code}`;
  const known = made.get(key);
  if (known) return known;
  // Beside the log folder, in the private per-user folder that sharedLogDir() makes and checks.
  const roots = join(dirname(sharedLogDir()), 'roots');
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 12);
  const cwd = join(roots, `${name}-${hash}`);
  const codeRoot = join(cwd, 'code');
  // Every level checked as the log folder is: ours, not a link, 0700 (another user must not swap `code`).
  ensurePrivateDir(roots, ROOTS);
  ensurePrivateDir(cwd, ROOTS);
  if (linkTarget(codeRoot) !== code) {
    // Another host may make the same link at the same time: make it aside, then rename over.
    const aside = `${codeRoot}.${process.pid}.${Date.now()}`;
    symlinkSync(code, aside, 'dir');
    renameSync(aside, codeRoot);
  }
  if (made.size === 0 && sweepDue(roots)) {
    sweep = new Promise((resolve) => setImmediate(() => {
      removeOrphans(roots, cwd);
      resolve();
    }));
  }
  const root = { cwd, codeRoot };
  made.set(key, root);
  return root;
}

// Where a link points, or null when it is not a link.
function linkTarget(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

/** A root younger than this may be in the making by another host: never removed. */
const ORPHAN_AGE_MS = 60_000;

/** How often the roots are swept, whichever host does it: the stamp file's age. */
const SWEEP_EVERY_MS = 10 * 60_000;
/** The stamp of the last sweep, in the roots folder (a dot name: never a root). */
export const SWEEP_STAMP = '.swept';

// Whether this host should sweep (no sweep in the last ten minutes); if so the stamp is renewed
// first, so that the hosts starting meanwhile skip it. A sweep of a few hundred roots is ~15 ms, on
// the critical path of a fast interpreter's start (Python 2.7 is ready before the host is).
function sweepDue(roots: string): boolean {
  const stamp = join(roots, SWEEP_STAMP);
  try {
    if (Date.now() - statSync(stamp).mtimeMs < SWEEP_EVERY_MS) return false;
  } catch {
    // never swept
  }
  try {
    writeFileSync(stamp, '');
  } catch {
    return false;
  }
  return true;
}

/** The sweep of orphaned roots this host started (tests wait on it). */
let sweep: Promise<void> = Promise.resolve();

/** Resolves once the sweep of orphaned roots has finished. */
export function orphanSweep(): Promise<void> {
  return sweep;
}

// Remove the roots whose code folder no longer exists (once per host process, at most once every ten
// minutes on a machine). Run on the next turn
// of the event loop, after the interpreter is spawned, while the host would wait for it anyway: done
// before the spawn, it was ~14 ms of every CLI start with a few hundred roots (docs/performance.md).
// Synchronous on purpose: a few hundred stat calls through the thread pool took 190 ms and held the
// process open. Its errors change nothing.
function removeOrphans(roots: string, keep: string): void {
  let entries: string[];
  try {
    entries = readdirSync(roots);
  } catch {
    return;
  }
  for (const entry of entries) {
    const cwd = join(roots, entry);
    if (cwd === keep || entry.startsWith('.')) continue;
    try {
      if (Date.now() - lstatSync(cwd).mtimeMs < ORPHAN_AGE_MS) continue;
      statSync(join(cwd, 'code'));
    } catch {
      rmSync(cwd, { recursive: true, force: true });
    }
  }
}
