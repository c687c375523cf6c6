// fgrun's temporary folders, all made by the `tmp` package (github.com/raszi/node-tmp): a fresh
// private folder (0700, a random name under the OS temp folder) whose removal runs however the host
// ends: at `exit` through tmp's graceful clean-up, and on SIGINT/SIGTERM/SIGHUP through
// host-exit.ts, which calls each folder's own removeCallback before the signal is re-raised (tmp's
// clean-up listens for `exit` only, and a re-raised signal ends the process without one).
// Folders that persist by design (logs, runtime roots, builds, caches) are not temporary and are
// not made here (docs/security.md, "What fgrun reads back, and how it trusts it").
import tmp from 'tmp';
import { onHostExit } from './host-exit.js';

export interface TempFolder {
  /** Absolute path of the folder. */
  path: string;
  /** Remove it and everything in it now (a second call does nothing). */
  remove: () => void;
}

const live = new Set<() => void>();
let graceful = false;

// A new private folder named `<prefix><random>`, removed with its contents at exit or on a fatal
// signal unless removed before.
export function tempFolder(prefix: string): TempFolder {
  if (!graceful) {
    tmp.setGracefulCleanup();
    onHostExit('remove', removeAllTempFolders);
    graceful = true;
  }
  const made = tmp.dirSync({ prefix, mode: 0o700, unsafeCleanup: true });
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    live.delete(remove);
    made.removeCallback();
  };
  live.add(remove);
  return { path: made.name, remove };
}

// Remove every temporary folder still there, synchronously (the signal path of host-exit.ts).
function removeAllTempFolders(): void {
  for (const remove of [...live]) {
    try {
      remove();
    } catch {
      // one folder that cannot be removed must not keep the others
    }
  }
}
