// The functions' log folder (RUNTIME_LOG_DIR), private to the user.
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FgrunError } from '../errors.js';

let logDir: string | null = null;

// RUNTIME_LOG_DIR: one private folder per user, reused by every host process, so a host that is
// killed (test workers, Ctrl-C) leaves no temporary folder behind. Checked once per host.
export function sharedLogDir(): string {
  if (logDir === null) logDir = privateLogDir(tmpdir());
  return logDir;
}

// `<base>/fgrun-<uid>/logs`, each level created 0700, refused when it is a link or another user's.
export function privateLogDir(base: string): string {
  const top = join(base, `fgrun-${process.geteuid?.() ?? -1}`);
  const logs = join(top, 'logs');
  for (const dir of [top, logs]) ensurePrivateDir(dir, LOG_FOLDER);
  return logs;
}

/** What a private folder holds, for the refusal's message. */
export interface PrivateUse {
  folder: string;
  holds: string;
}
const LOG_FOLDER: PrivateUse = { folder: "the functions' log folder", holds: 'its logs' };

// A folder only this user can use: created 0700, or an existing one of ours (tightened to 0700).
export function ensurePrivateDir(dir: string, use: PrivateUse): void {
  // The effective uid, as os.userInfo() gives it, without reading /etc/passwd (a cold start did, 3 times).
  const uid = process.geteuid?.() ?? -1;
  const unsafe = (why: string, cause?: unknown) => new FgrunError('FGRUN_LOG_DIR_UNSAFE', 'usage', `${use.folder} ${dir} ${why}: fgrun keeps ${use.holds} only in a private folder of its own; remove it, or point TMPDIR at a folder of yours`, { cause, details: { dir } });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unsafe(`cannot be created (${(error as Error).message})`, error);
  }
  const info = lstatSync(dir);
  if (info.isSymbolicLink()) throw unsafe('is a symbolic link');
  if (!info.isDirectory()) throw unsafe('is not a folder');
  // uid -1: a platform without owners (Windows).
  if (uid >= 0 && info.uid !== uid) throw unsafe(`belongs to another user (uid ${info.uid}, fgrun runs as uid ${uid})`);
  if ((info.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}
