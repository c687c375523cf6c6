// Where an instance's runtime writes its logs (RUNTIME_LOG_DIR).
import { mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

let logDir: string | null = null;

// RUNTIME_LOG_DIR: one private folder per user, reused by every host process, so a host that is
// killed (test workers, Ctrl-C) leaves no temporary folder behind.
export function sharedLogDir(): string {
  if (logDir === null) {
    logDir = join(tmpdir(), `fgrun-${userInfo().uid}`, 'logs');
    mkdirSync(logDir, { recursive: true, mode: 0o700 });
  }
  return logDir;
}
