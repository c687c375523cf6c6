// Where the Python side of fgrun lives in the installed package, and the functions' log folder.
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { FgrunError } from '../errors/index.js';

/** The package root (holds bootstrap/ and pyshim/), from src/instance or dist/instance. */
export const RUNTIME_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
export const BOOTSTRAP_MAIN = join(RUNTIME_ROOT, 'bootstrap', 'main.py');

let logDir: string | null = null;

// RUNTIME_LOG_DIR: one private folder per user, reused by every host process, so a host that is
// killed (test workers, Ctrl-C) leaves no temporary folder behind. Checked once per host.
export function sharedLogDir(): string {
  if (logDir === null) logDir = privateLogDir(tmpdir());
  return logDir;
}

// `<base>/fgrun-<uid>/logs`, each level created 0700, refused when it is a link or another user's.
export function privateLogDir(base: string): string {
  const uid = userInfo().uid;
  const top = join(base, `fgrun-${uid}`);
  const logs = join(top, 'logs');
  for (const dir of [top, logs]) ensurePrivateDir(dir, uid);
  return logs;
}

// A folder only this user can use: created 0700, or an existing one of ours (tightened to 0700).
function ensurePrivateDir(dir: string, uid: number): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unsafe(dir, `cannot be created (${(error as Error).message})`, error);
  }
  const info = lstatSync(dir);
  if (info.isSymbolicLink()) throw unsafe(dir, 'is a symbolic link');
  if (!info.isDirectory()) throw unsafe(dir, 'is not a folder');
  // uid -1: a platform without owners (Windows).
  if (uid >= 0 && info.uid !== uid) throw unsafe(dir, `belongs to another user (uid ${info.uid}, fgrun runs as uid ${uid})`);
  if ((info.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

function unsafe(dir: string, why: string, cause?: unknown): FgrunError {
  return new FgrunError('FGRUN_LOG_DIR_UNSAFE', 'usage', `the functions' log folder ${dir} ${why}: fgrun keeps its logs only in a private folder of its own; remove it, or point TMPDIR at a folder of yours`, { cause, details: { dir } });
}
