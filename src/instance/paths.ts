// Where the Python side of fgrun lives in the installed package.
import { mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The package root (holds bootstrap/ and pyshim/), from src/instance or dist/instance. */
export const RUNTIME_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
export const BOOTSTRAP_MAIN = join(RUNTIME_ROOT, 'bootstrap', 'main.py');

let logDir: string | null = null;

// fgrun's own folder for this user under the system temp folder (logs, runtime roots).
export function userFolder(): string {
  return join(tmpdir(), `fgrun-${userInfo().uid}`);
}

// RUNTIME_LOG_DIR: one private folder per user, reused by every host process, so a host that is
// killed (test workers, Ctrl-C) leaves no temporary folder behind.
export function sharedLogDir(): string {
  if (logDir === null) {
    logDir = join(userFolder(), 'logs');
    mkdirSync(logDir, { recursive: true, mode: 0o700 });
  }
  return logDir;
}
