// Where the Python side of fgrun lives in the installed package.
import tmp from 'tmp';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The package root (holds bootstrap/ and pyshim/), from src/instance or dist/instance. */
export const RUNTIME_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
export const BOOTSTRAP_MAIN = join(RUNTIME_ROOT, 'bootstrap', 'main.py');

let logDir: string | null = null;

// RUNTIME_LOG_DIR: one temporary folder per host process, removed when it exits.
export function sharedLogDir(): string {
  if (logDir === null) {
    tmp.setGracefulCleanup();
    logDir = tmp.dirSync({ prefix: 'fgrun-logs-', unsafeCleanup: true }).name;
  }
  return logDir;
}
