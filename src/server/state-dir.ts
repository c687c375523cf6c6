// The serve state folder (--state-dir): where the async journal and the console's test events live.
import { chmodSync, existsSync, statfsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/** The serve state folder unless told otherwise: `.fgrun` in the folder fgrun serve runs in. It holds the
 * async journal (docs/server.md) and the console's saved test events (docs/console.md). */
export const DEFAULT_STATE_DIR = '.fgrun';

/** Kernel file systems that hold no files of ours (statfs f_type): proc, sysfs, devpts, cgroup, cgroup2, debugfs, securityfs. */
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'], [0x62656572, 'sysfs'], [0x1cd1, 'devpts'], [0x27e0eb, 'cgroup'], [0x63677270, 'cgroup2'], [0x64626720, 'debugfs'], [0x73636673, 'securityfs'],
]);

// Refuse a state folder that is on a kernel file system, not a folder, or another user's (it holds
// accepted invocations that the next start runs), and make ours private; a missing one is created later.
export function checkStateDir(dir: string): void {
  const refuse = (why: string) => new ConfigError(`the state folder ${dir} ${why}; pick another --state-dir`, { field: '--state-dir' });
  let existing = resolve(dir);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const type = PSEUDO_FILE_SYSTEMS.get(Number(statfsSync(existing).type));
  if (type !== undefined) throw refuse(`is on the kernel's ${type} file system, which holds no files`);
  if (existing !== resolve(dir)) return;
  const info = statSync(existing);
  if (!info.isDirectory()) throw refuse('is not a folder');
  const uid = process.geteuid?.() ?? -1;
  if (uid >= 0 && info.uid !== uid) throw refuse(`belongs to another user (uid ${info.uid}, fgrun runs as uid ${uid})`);
  // Ours: private from now on, as the folders fgrun creates there are (0700, files 0600).
  if ((info.mode & 0o077) !== 0) chmodSync(existing, 0o700);
}
